import NNBenchDatasets
import NNBenchEngine

extension Symptom {
    /// A layer whose input gradient does not follow from its output gradient: the causes that
    /// fit its type and, when every entry is off by one factor, that factor.
    ///
    /// - Parameters:
    ///   - layer: The layer.
    ///   - scale: The factor `analytic / numerical` shared by every compared entry, if there is one.
    static func backward(of layer: LayerSpec, scale: Double?) -> Symptom {
        var causes: [String] = []
        if let scale { causes.append(contentsOf: scaleCauses(scale)) }
        switch layer {
        case .dense:
            causes += ["dy·W (W read as [units, in]) instead of dy·Wᵀ", "each input gradient keeps one unit's share only ('=' where '+=' belongs)",
                       "samples mixed in the product (a transposed dy)"]
        case .conv2d:
            causes += ["the kernel not flipped back (or flipped twice) in the input gradient", "stride or padding offsets wrong in col2im",
                       "overlapping windows assigned ('=') instead of accumulated ('+=')"]
        case .relu, .leakyReLU:
            causes += ["the derivative passes negative inputs (or blocks positive ones)", "the derivative taken of the output instead of the input",
                       "leaky_relu's slope missing from the derivative"]
        case .tanh, .sigmoid:
            causes += ["the derivative computed from the input instead of the output (x(1−x) or 1−x² of x)", "a missing factor in the derivative"]
        case .gelu, .softplus:
            causes += ["a wrong derivative formula (the tanh approximation's, or σ(x) missing x·φ(x))", "the threshold of softplus ignored"]
        case .identity, .flatten:
            causes += ["the gradient reshaped in another order than the forward pass", "the gradient of another layer returned"]
        case .maxPool2d:
            causes += ["the gradient sent to the whole window instead of its maximum", "overlapping windows assigned ('=') instead of accumulated ('+=')",
                       "only the first window (or the last) routed", "ties broken differently in backward than in forward"]
        case .avgPool2d:
            causes += ["the gradient not divided by size²", "overlapping windows assigned ('=') instead of accumulated ('+=')"]
        case .batchNorm:
            causes += ["the gradient through the batch mean and variance left out (μ and σ treated as constants)",
                       "the biased and unbiased variances mixed up", "eps added outside the square root"]
        case .dropout:
            causes += ["the mask not applied in backward (only the 1/(1 − rate) scale)", "a mask other than the forward pass's",
                       "the scale applied twice"]
        case .rnn, .lstm, .gru:
            causes += ["the hidden state's gradient not carried back to the previous step", "h_t used where h_{t−1} belongs",
                       "gates stacked in another order than PyTorch's", "W_ih and W_hh (or their transposes) mixed up"]
        case .embedding:
            causes += ["the input gradient of token indices is 0 (indices are not differentiable)"]
        }
        return Symptom(name: "a layer's input gradient does not follow from its output gradient", likelyCauses: causes)
    }

    /// The loss's gradient with respect to the network's output differs from central differences
    /// of the loss: the causes that fit the loss and the measured factor.
    static func lossGradient(_ loss: Loss, scale: Double?, batch: Int, outputs: Int) -> Symptom {
        var causes: [String] = []
        if let scale {
            causes += scaleCauses(scale, batch: batch, outputs: outputs, loss: loss)
        }
        switch loss {
        case .mse: causes += ["the factor 2 of (z − y)² missing", "the gradient of (y − z) instead of (z − y)"]
        case .bceLogits: causes += ["σ(z) − y written as y − σ(z)", "the gradient of the unstable form (log of 0)"]
        case .softmaxCrossEntropy: causes += ["onehot − softmax instead of softmax − onehot", "the softmax's gradient taken per class without the other classes"]
        }
        return Symptom(name: "the loss's gradient differs from central differences of the loss", likelyCauses: causes)
    }

    /// What a common factor between the analytic and numerical gradients says.
    private static func scaleCauses(_ scale: Double, batch: Int = 0, outputs: Int = 0, loss: Loss? = nil) -> [String] {
        func near(_ value: Double) -> Bool { Swift.abs(scale - value) <= 0.02 * Swift.abs(value) }
        var causes: [String] = []
        if near(-1) { causes.append("every entry has the wrong sign (ratio −1)") }
        let terms = loss == .softmaxCrossEntropy ? batch : batch * outputs
        if terms > 1, near(Double(terms)) { causes.append("a sum over the batch where the loss is a mean (ratio \(terms) = the number of terms)") }
        if terms > 1, near(1 / Double(terms)) { causes.append("divided by the batch size once too often (ratio 1/\(terms))") }
        if near(0.5) { causes.append("a missing factor 2 (ratio 1/2)") }
        if near(2) { causes.append("a factor 2 too many (ratio 2)") }
        if causes.isEmpty { causes.append("every entry off by the same factor \(short(scale))") }
        return causes
    }
}

extension Symptom {
    /// A parameter's gradient that differs from central differences while the loss's and the
    /// layers' input gradients may be right: the causes that fit the layer and the parameter.
    ///
    /// - Parameter above: Whether a layer above may pass a wrong gradient down (not when the
    ///   reference shows every other gradient right).
    static func parameterGradient(of layer: LayerSpec, parameter: String, above: Bool = true) -> Symptom {
        var causes: [String] = []
        let isBias = parameter.contains(".bias")
        switch layer {
        case .dense:
            causes += isBias
                ? ["the bias gradient not summed over the batch (the first sample's, or the mean)", "the bias gradient missing"]
                : ["xᵀ·dy stored transposed ([units, in] where [in, units] belongs)", "x·dy instead of xᵀ·dy"]
        case .conv2d:
            causes += isBias
                ? ["the bias gradient not summed over the batch and the plane", "the bias gradient missing"]
                : ["the kernel gradient flipped (convolution where the forward pass is a cross-correlation)", "stride or padding offsets wrong in im2col"]
        case .batchNorm:
            causes += isBias ? ["the shift's gradient not summed over the batch"] : ["the scale's gradient not Σ dy·x̂"]
        default:
            if above { causes += ["a layer above it passes a wrong gradient down (see input-gradient)"] }
        }
        if above { causes.append("a wrong activation derivative above this layer, which its own gradient inherits") }
        return Symptom(name: "a parameter's gradient differs from central differences of the loss", likelyCauses: causes)
    }
}

extension Symptom {
    /// A gradient that differs from central differences through time although the last-step
    /// check from `h_0 = 0` passed: the causes that only early steps or a nonzero initial state
    /// show, for the worst tensor (`1.weight_hh`, or `1.h_0` / `1.c_0`, d loss / d the initial
    /// state) of `layer` (its index and type, when the tensor names one).
    ///
    /// - Parameter takesStates: Whether the model took nonzero initial states in the comparison.
    static func throughTime(tensor: String, layer: (index: Int, type: String)?, takesStates: Bool) -> Symptom {
        let at = layer.map { "layer \($0.index) (\($0.type)): " } ?? ""
        let carried = ["\(at)the hidden-state gradient not carried back across time steps", "\(at)h_t used where h_{t−1} belongs in the recurrent gradient"]
        let causes: [String]
        if InitialStates.isName(tensor) {
            causes = ["\(at)the initial-state gradient \(tensor) is wrong: initial_state_grads not computed, zero, or not what the backward pass carries out of the first step",
                      "the loss ignores initial_state (it starts from zeros where the forward pass does not)",
                      "the forward pass ignores initial_state (it starts from zeros)"]
        } else if takesStates {
            causes = ["\(at)dW_hh misses the first step's h_0 term (the sum over steps starts at the second)",
                      "the forward pass or the loss ignores initial_state (starts from zeros)"] + carried
        } else {
            causes = carried
        }
        return Symptom(name: "a gradient through time differs from central differences while the last step's from h_0 = 0 agrees", likelyCauses: causes)
    }
}
