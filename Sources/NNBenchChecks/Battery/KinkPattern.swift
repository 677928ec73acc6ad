import NNBenchEngine

/// Where a network's function has kinks, at one point: the sign of every relu and leaky_relu
/// input, whether each hidden value of a relu `rnn` is above 0 at every step, and the position of
/// every max-pooling window's maximum. Two points with the same complete pattern lie on one
/// smooth piece of the function, so a central difference between them measures the derivative;
/// different patterns mean the segment crosses a kink, where the derivative is not defined and
/// the difference measures nothing.
///
/// A pattern is incomplete when a relu `rnn` returns only its last step (`sequence: false`) and
/// its earlier steps' hidden states are not at hand (over the protocol, whose trace is the
/// layer's output): two incomplete patterns that differ still mean a kink, but two that agree do
/// not rule one out at an earlier step, so ``DerivativeProbe`` then also applies its tests that
/// need no pattern.
struct KinkPattern: Hashable {
    private var codes: [Int32] = []
    /// Whether every kink of the function is in the pattern.
    private(set) var isComplete = true

    /// Whether an architecture has kinks at all.
    static func exists(in layers: [ResolvedLayer]) -> Bool {
        layers.contains { layer in
            switch layer.spec {
            case .relu, .leakyReLU, .maxPool2d, .rnn(_, .relu, _, _): true
            default: false
            }
        }
    }

    /// The pattern of a pass: `inputs` the network's input, `outputs` every layer's output, and
    /// `hiddenSequences` by recurrent layer index its `h_t` at every step, `[n, steps, units]`,
    /// where known (``HiddenSequenceSource``).
    init(layers: [ResolvedLayer], inputs: Tensor<Double>, outputs: [Tensor<Double>], hiddenSequences: [Int: Tensor<Double>] = [:]) {
        for layer in layers {
            append(
                layer, input: layer.index == 0 ? inputs : outputs[layer.index - 1], output: outputs[layer.index],
                hiddenSequence: hiddenSequences[layer.index])
        }
    }

    /// The pattern of one layer on `input`, whose output is `output`; `hiddenSequence` is a
    /// recurrent layer's `h_t` at every step, where known.
    init(layer: ResolvedLayer, input: Tensor<Double>, output: Tensor<Double>, hiddenSequence: Tensor<Double>? = nil) {
        append(layer, input: input, output: output, hiddenSequence: hiddenSequence)
    }

    private mutating func append(_ layer: ResolvedLayer, input: Tensor<Double>, output: Tensor<Double>, hiddenSequence: Tensor<Double>?) {
        switch layer.spec {
        case .rnn(_, .relu, let sequence, _):
            // h_t = relu(a_t) is 0 exactly where a_t ≤ 0, so the hidden states' zeros are the
            // kinks' sides; the pre-activations are inside the layer. A kink at any step bends
            // the loss, so every step counts, and an output of the last step alone does not
            // show them all.
            let hidden = hiddenSequence ?? output
            if !sequence && hiddenSequence == nil { isComplete = false }
            codes += hidden.scalars.map { $0 > 0 ? 1 : 0 }
        case .relu, .leakyReLU:
            // Exactly 0 is a kink of its own: its side is neither.
            codes += input.scalars.map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
        case .maxPool2d(let size, let stride):
            let (channels, height, width) = (layer.inputShape[0], layer.inputShape[1], layer.inputShape[2])
            let window = SlidingWindow(height: height, width: width, size: size, stride: stride ?? size)
            let planes = input.count / (height * width)
            precondition(planes % channels == 0, "a max-pooling input that is not whole planes")
            for plane in 0..<planes {
                let base = plane * height * width
                for oy in 0..<window.outputHeight {
                    for ox in 0..<window.outputWidth {
                        var best = Int32(-1), value = -Double.infinity
                        for i in 0..<size {
                            for j in 0..<size {
                                let position = (oy * window.stride + i) * width + ox * window.stride + j
                                if input.scalars[base + position] > value || best < 0 {
                                    (best, value) = (Int32(position), input.scalars[base + position])
                                }
                            }
                        }
                        codes.append(best)
                    }
                }
            }
        default:
            break
        }
    }
}
