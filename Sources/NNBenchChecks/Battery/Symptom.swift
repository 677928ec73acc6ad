import NNBenchEngine

/// A way a check can fail, with the classic bugs that produce it: the table `docs/checks.md`
/// prints from symptom to bug.
public struct Symptom: Sendable, Hashable {
    /// A short name.
    public let name: String
    /// The classic bugs that produce it, most likely first.
    public let likelyCauses: [String]

    static let gradientMismatch = Symptom(name: "analytic gradient ≠ central differences", likelyCauses: [
        "a wrong activation derivative (of the input instead of the output)", "a transposed or wrong weight product in backward",
        "a missing bias gradient, or one not summed over the batch", "mean versus sum, or a missing factor (mse's 2)", "a wrong sign",
    ])
    static let inputGradientMismatch = Symptom(name: "a layer's input gradient ≠ central differences", likelyCauses: [
        "that layer's backward pass: a wrong activation derivative", "dy·W instead of dy·Wᵀ",
        "maxpool's gradient sent to the whole window instead of the maximum",
    ])
    static let forwardMismatch = Symptom(name: "a layer's output differs from the reference", likelyCauses: [
        "convolution (flipped kernel) instead of cross-correlation", "a transposed weight", "dropout active in evaluation",
        "batchnorm using batch statistics in evaluation", "samples leaking across the batch", "a wrong activation",
    ])
    /// ``forwardMismatch`` at `layer`: for a recurrent layer, the ways its gates are commonly
    /// written unlike PyTorch's come first; the causes that name a layer type (convolution,
    /// dropout, batchnorm) only when `layers`, the architecture, has one.
    static func forward(at layer: LayerSpec?, among layers: [LayerSpec]) -> Symptom {
        let recurrent: [String] = switch layer {
        case .lstm: ["the gates stacked in another order than PyTorch's i, f, g, o"]
        case .gru:
            ["the gates stacked in another order than PyTorch's r, z, n", "the update gate reversed, h_t = z·n + (1 − z)·h_{t−1}",
             "the reset gate applied to h before W_hn, or not to b_hn (PyTorch: n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)))"]
        case .rnn: ["h_{t−1} and x_t read through each other's weights (W_ih and W_hh mixed up)"]
        default: []
        }
        let names = Set(layers.map(\.name))
        let typed = ["convolution": "conv2d", "dropout": "dropout", "batchnorm": "batchnorm"]
        let generic = forwardMismatch.likelyCauses.filter { cause in
            typed.allSatisfy { word, type in !cause.hasPrefix(word) && !cause.contains(" \(word) ") || names.contains(type) }
        }
        return Symptom(name: forwardMismatch.name, likelyCauses: recurrent + generic)
    }
    static let lossMismatch = Symptom(name: "the loss differs from the reference", likelyCauses: [
        "sum instead of mean over the batch", "a wrong loss formula", "the link (softmax/sigmoid) applied twice or not at all",
    ])
    static let initNotDeterministic = Symptom(name: "the same seed gives different weights", likelyCauses: [
        "an unseeded random generator", "weights drawn from a global generator shared with other code",
    ])
    static let initDegenerate = Symptom(name: "a weight tensor is all zeros or has identical units", likelyCauses: [
        "all weights initialised to zero", "all weights initialised to the same value (symmetry is never broken)",
    ])
    static let initScale = Symptom(name: "the initial weights' scale is off", likelyCauses: [
        "a wrong initialiser scale (e.g. 10× too large)", "fan-in and fan-out swapped", "a standard deviation used as a variance",
    ])
    static let initConstantBlock = Symptom(name: "a block the spec sets starts at another value", likelyCauses: [
        "an LSTM's forget_bias written into both bias_ih and bias_hh (twice the value)", "forget_bias written into another gate's block (the gate order)",
        "forget_bias ignored",
    ])
    static let initialLoss = Symptom(name: "the loss at initialisation is far from the expected value", likelyCauses: [
        "sum instead of mean over the batch", "an initialisation scale far too large", "a wrong loss formula",
    ])
    static let notUpdated = Symptom(name: "a step leaves a parameter tensor unchanged", likelyCauses: [
        "updates not applied", "a missing bias gradient", "a parameter not registered with the optimizer",
    ])
    static let notDescending = Symptom(name: "a small step downhill does not lower the loss", likelyCauses: [
        "an update with the wrong sign", "a gradient with the wrong sign", "updates not applied",
        "labels shuffled separately from the inputs",
    ])
    static let cannotOverfit = Symptom(name: "one tiny batch cannot be overfit", likelyCauses: [
        "labels shuffled separately from the inputs", "a wrong gradient", "updates not applied or with the wrong sign",
        "gradients not zeroed", "all weights initialised to the same value",
    ])
    static let knownAnswerMissed = Symptom(name: "a known answer is not found", likelyCauses: [
        "a wrong gradient (scale, sign, bias)", "an optimizer bug", "weight decay with the wrong sign", "labels shuffled",
    ])
    static let noBetterThanAblation = Symptom(name: "the network does no better than its linear ablation", likelyCauses: [
        "hidden layers that do not learn: zero or constant initialisation", "a wrong backward pass through the hidden layers",
        "updates not applied",
    ])
    static let batchLossNotMean = Symptom(name: "the batch loss is not the mean of the per-sample losses", likelyCauses: [
        "sum instead of mean", "a loss normalised by the wrong count",
    ])
    static let batchLeak = Symptom(name: "a sample's output depends on the other samples", likelyCauses: [
        "normalisation by batch statistics outside batchnorm's training mode", "batchnorm using batch statistics in evaluation",
        "a reshape or transpose that mixes samples",
    ])
    static let evaluationNondeterministic = Symptom(name: "evaluation is not deterministic", likelyCauses: [
        "dropout active in evaluation", "state updated by a forward pass in evaluation",
    ])
    static let dropoutScale = Symptom(name: "dropout changes the mean in training", likelyCauses: [
        "dropout not inverted: kept values not scaled by 1/(1 − rate)", "the mask's keep probability and scale swapped",
    ])
    static let nonFinite = Symptom(name: "a loss or gradient is not finite", likelyCauses: [
        "softmax without the maximum subtracted", "cross-entropy not in the stable form on logits", "log of 0",
    ])
    static let nonFiniteParameters = Symptom(name: "a parameter after a step is not finite where the reference's is", likelyCauses: [
        "a division by zero in the update (eps missing from √v + eps, or a zero step count in the bias correction)",
        "an overflow the reference does not have: a gradient, or its square, beyond the precision's range",
        "the gradient not finite: see numerics",
    ])
    static let nonFiniteStep = Symptom(name: "a step's loss is not finite where the reference's is", likelyCauses: [
        "an overflow the reference does not have: exp or a square of an unbounded value (softmax without the maximum subtracted)",
        "log of 0 or a division by 0 in the loss", "a forward pass that reads uninitialised or stale memory",
    ])
    static let stepData = Symptom(name: "a step reports another loss than its batch's", likelyCauses: [
        "labels shuffled separately from the inputs", "the step fed another batch, or the targets of another batch",
    ])
    static let bufferUpdate = Symptom(name: "a layer's buffer after a training step differs from the reference", likelyCauses: [
        "batchnorm's running variance moved towards the biased batch variance (÷n) instead of the unbiased one (÷(n − 1))",
        "the running statistics' momentum applied the wrong way round (PyTorch: r ← (1 − m)·r + m·batch)",
        "running statistics moved in evaluation, or not in training",
    ])
    static let inputIgnored = Symptom(name: "trained on its inputs it does no better than on zeroed inputs", likelyCauses: [
        "the training step's inputs are not the batch's: zeroed, or another batch's (one behind the targets)",
        "inputs shuffled apart from their targets", "the network's input not connected: its first layer reads a constant",
    ])
    static let unhealthyTraining = Symptom(name: "training statistics outside their healthy ranges", likelyCauses: [
        "an initialisation scale far too large (saturated units, vanishing gradients)", "updates not applied (update ratio 0)",
        "an update with the wrong sign (exploding weights)", "a wrong activation derivative",
    ])
}
