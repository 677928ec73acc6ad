import NNBenchEngine

/// Where a network's function has kinks, at one point: the sign of every relu and leaky_relu
/// input, whether each hidden value of a relu `rnn` is above 0, and the position of every
/// max-pooling window's maximum. Two points with the same
/// pattern lie on one smooth piece of the function, so a central difference between them
/// measures the derivative; different patterns mean the segment crosses a kink, where the
/// derivative is not defined and the difference measures nothing.
struct KinkPattern: Hashable {
    private var codes: [Int32] = []

    /// Whether an architecture has kinks at all.
    static func exists(in layers: [ResolvedLayer]) -> Bool {
        layers.contains { layer in
            switch layer.spec {
            case .relu, .leakyReLU, .maxPool2d, .rnn(_, .relu, _, _): true
            default: false
            }
        }
    }

    /// The pattern of a pass: `inputs` the network's input, `outputs` every layer's output.
    init(layers: [ResolvedLayer], inputs: Tensor<Double>, outputs: [Tensor<Double>]) {
        for layer in layers {
            append(layer, input: layer.index == 0 ? inputs : outputs[layer.index - 1], output: outputs[layer.index])
        }
    }

    /// The pattern of one layer on `input`, whose output is `output`.
    init(layer: ResolvedLayer, input: Tensor<Double>, output: Tensor<Double>) {
        append(layer, input: input, output: output)
    }

    private mutating func append(_ layer: ResolvedLayer, input: Tensor<Double>, output: Tensor<Double>) {
        switch layer.spec {
        case .rnn(_, .relu, _, _):
            // h_t = relu(a_t) is 0 exactly where a_t ≤ 0, so the output's zeros are the kinks'
            // sides; the pre-activations are inside the layer. With `sequence: false` only the
            // last step shows, and the other steps' kinks are left to the probe's step halving.
            codes += output.scalars.map { $0 > 0 ? 1 : 0 }
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
