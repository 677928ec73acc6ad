/// A classic implementation bug that the engine can be told to make, to prove that nnbench's
/// checks catch it and to show students what each bug looks like (`nnbench check --inject BUG`).
///
/// A network and optimizer built with a fault behave exactly as a from-scratch implementation
/// with that mistake would. The faults live in this module, in wrappers around the engine's
/// layers and update rules that the engine lets in through `package` hooks; the engine itself
/// has no code for any of them. Public code meets them through the checks' engine adapter,
/// `EngineModel(fault:)`; `nnbench train --inject` trains with one (a `package` initialiser of
/// `TrainingRun`).
public enum Fault: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // MARK: Layers

    /// ReLU's backward pass lets the gradient through where the input is negative too.
    case reluBackwardPassesNegative = "relu-backward-passes-negative"
    /// Sigmoid's derivative computed from the input, `x(1 − x)`, instead of the output, `y(1 − y)`.
    case sigmoidDerivativeOfInput = "sigmoid-derivative-of-input"
    /// Tanh's derivative computed from the input, `1 − x²`, instead of the output, `1 − y²`.
    case tanhDerivativeOfInput = "tanh-derivative-of-input"
    /// Dense weight gradient `xᵀ·dy` written out transposed (`dyᵀ·x` into the `[in, units]` buffer).
    case denseWeightGradientTransposed = "dense-weight-gradient-transposed"
    /// Dense input gradient `dy · W` with `W` read as `[units, in]` instead of `dy · Wᵀ`.
    case denseInputGradientWrongProduct = "dense-input-gradient-wrong-product"
    /// The dense bias gets no gradient (it stays at zero).
    case denseMissingBiasGradient = "dense-missing-bias-gradient"
    /// The dense bias gradient is the first sample's `dy`, not the sum over the batch.
    case denseBiasGradientNotSummed = "dense-bias-gradient-not-summed"
    /// Dense outputs centred on the batch's mean: each sample's output depends on the others.
    case denseLeaksAcrossBatch = "dense-leaks-across-batch"
    /// Dense input gradient keeps only the last unit's share, `dy[:, u]·W[:, u]ᵀ` for the last `u`:
    /// the `=` for `+=` bug in a loop over the units.
    case denseInputGradientLastUnitOnly = "dense-input-gradient-last-unit-only"
    /// The dense bias gradient is the mean of `dy` over the batch, not its sum: `1/n` of the right value.
    case biasGradientAveraged = "bias-gradient-averaged"
    /// Conv2d computes a convolution (flipped kernel) instead of PyTorch's cross-correlation.
    case convKernelFlipped = "conv-kernel-flipped"
    /// Max pooling sends each output's gradient to every element of its window, not the maximum.
    case maxpoolGradientToWindow = "maxpool-gradient-to-window"
    /// Max pooling's backward assigns (`=`) each output's gradient to its window's maximum where
    /// overlapping windows must add up (`+=`): an input that is the maximum of several windows
    /// keeps only the last one's gradient (windows in row-major order).
    case maxpoolBackwardAssigns = "maxpool-backward-assigns"
    /// Max pooling's backward routes only the first window's gradient of each plane (the loop over
    /// the output positions stops after the first); every other input gets none.
    case maxpoolBackwardFirstWindowOnly = "maxpool-backward-first-window-only"
    /// Dropout keeps values unscaled in training (not inverted), so training and evaluation differ in scale.
    case dropoutNotInverted = "dropout-not-inverted"
    /// Dropout also drops in evaluation.
    case dropoutInEvaluation = "dropout-in-evaluation"
    /// Dropout's training backward scales the gradient by `1/(1 − rate)` but ignores the mask:
    /// dropped values get a gradient too.
    case dropoutBackwardIgnoresMask = "dropout-backward-ignores-mask"
    /// Batchnorm normalises with the batch's statistics in evaluation too.
    case batchnormBatchStatisticsInEvaluation = "batchnorm-batch-statistics-in-evaluation"
    /// Batchnorm's training-mode input gradient computed as if the batch mean and variance were
    /// constants, `dx = dy·weight·invstd`: the evaluation-mode formula, missing the terms through
    /// the statistics.
    case batchnormGradientIgnoresStatistics = "batchnorm-gradient-ignores-statistics"
    /// An Elman rnn's backward pass does not carry d loss / d h_t back to h_{t−1}: each step's
    /// hidden state gets only its own output's gradient (backpropagation through time truncated
    /// to one step).
    case bpttTruncatedToOneStep = "bptt-truncated-to-one-step"
    /// An Elman rnn's recurrent weight gradient `dW_hh = Σ_t da_tᵀ·h_t`, with the state the step
    /// computes where the one it reads, `h_{t−1}`, belongs.
    case rnnWeightHHGradientUsesCurrentState = "rnn-weight-hh-gradient-uses-current-state"
    /// An Elman rnn's recurrent weight gradient `dW_hh = Σ_t da_tᵀ·h_{t−1}` summed from the
    /// second step on, as if `h_0` were always zero: right from `h_0 = 0`, which hides it from
    /// every check that starts there; only a nonzero initial state shows it.
    case rnnWeightHHGradientSkipsFirstStep = "rnn-weight-hh-gradient-skips-first-step"
    /// An LSTM reads the input and forget gates' blocks of its stacked weights and biases in
    /// swapped order (`f, i, g, o` for PyTorch's `i, f, g, o`), forward and backward alike: a
    /// consistent function, but not PyTorch's, so copied weights compute something else.
    case lstmInputForgetGatesSwapped = "lstm-input-forget-gates-swapped"
    /// An LSTM's backward pass drops the cell state's path through the forget gate,
    /// `dc_{t−1} = dc_t·f`: each step's cell gets only the gradient through its own `h_t`.
    case lstmCellGradientSkipsForgetGate = "lstm-cell-gradient-skips-forget-gate"
    /// A GRU reads the reset and update gates' blocks of its stacked weights and biases in swapped
    /// order (`z, r, n` for PyTorch's `r, z, n`), forward and backward alike: a consistent
    /// function, but not PyTorch's (the reset gate then scales `h_{t−1}` in the output, the update
    /// gate `W_hn·h + b_hn`).
    case gruResetUpdateGatesSwapped = "gru-reset-update-gates-swapped"
    /// A GRU with the update gate's convention reversed, `h_t = z·n + (1 − z)·h_{t−1}` (Chung et al.
    /// 2014's) for PyTorch's `h_t = (1 − z)·n + z·h_{t−1}`, forward and backward alike: copied
    /// weights keep the old state where PyTorch's take the new one.
    case gruUpdateGateReversed = "gru-update-gate-reversed"

    // MARK: Losses

    /// The loss (and so its gradient) is summed over the batch instead of averaged.
    case lossSumNotMean = "loss-sum-not-mean"
    /// Softmax cross-entropy exponentiates the logits without subtracting their maximum.
    case softmaxWithoutMax = "softmax-without-max"
    /// Softmax cross-entropy's gradient with the wrong sign, `onehot − softmax` (over the batch
    /// size); the loss itself is right.
    case softmaxCrossEntropyGradientWrongSign = "softmax-ce-gradient-wrong-sign"
    /// Binary cross-entropy as `−y·ln σ(z) − (1−y)·ln(1 − σ(z))`, not the stable form on logits.
    case bceUnstable = "bce-unstable"
    /// The mean squared error's gradient lacks the factor 2.
    case mseGradientMissingFactor2 = "mse-gradient-missing-factor-2"

    // MARK: Optimizers

    /// The optimizer computes its update but never applies it.
    case updatesNotApplied = "updates-not-applied"
    /// The update is added instead of subtracted: gradient ascent.
    case updateWrongSign = "update-wrong-sign"
    /// Gradients are accumulated from step to step instead of being zeroed.
    case gradientsNotZeroed = "gradients-not-zeroed"
    /// The momentum buffer (and Adam's moments) is re-created at every step instead of kept.
    case momentumNotKept = "momentum-not-kept"
    /// Adam without its bias corrections `1/(1−β1^t)` and `1/(1−β2^t)`.
    case adamWithoutBiasCorrection = "adam-without-bias-correction"
    /// Weight decay added with the wrong sign: it grows the weights.
    case weightDecayWrongSign = "weight-decay-wrong-sign"
    /// RMSprop divides by `√(v + eps)` instead of PyTorch's `√v + eps` (`v` the mean square, or
    /// the variance when centered).
    case rmspropWithoutEpsInside = "rmsprop-without-eps-inside"
    /// AdamW adds `wd·p` to the gradient, as Adam's L2 decay, instead of shrinking the weights
    /// apart from the gradient: it is Adam with the same weight decay.
    case adamWDecayCoupled = "adamw-decay-coupled"

    // MARK: Initialisation

    /// Every dense and conv weight starts at zero.
    case initZeros = "init-zeros"
    /// Every dense and conv weight starts at the same value, 0.1: the units stay symmetric.
    case initConstant = "init-constant"
    /// Weights drawn with ten times the initialiser's scale.
    case initScaleTimes10 = "init-scale-times-10"
    /// An LSTM's `forget_bias` written into the forget gate's block of both `bias_ih` and
    /// `bias_hh`, so the gate's bias `b_if + b_hf` starts at twice the spec's value.
    case lstmForgetBiasInBothBiases = "lstm-forget-bias-in-both-biases"

    // MARK: Data

    /// In training steps the targets are shuffled separately from the inputs.
    case labelsShuffledSeparately = "labels-shuffled-separately"
    /// Training steps run forward on zeros in place of their inputs (the targets are the batch's):
    /// a data pipeline that hands the step an input buffer it never filled. Evaluation sees the
    /// real inputs.
    case trainingInputsZeroed = "training-inputs-zeroed"
    /// Every training step after the first runs forward on the previous step's inputs with its own
    /// targets: inputs one batch behind their targets, the off-by-one of a data pipeline whose
    /// input and target streams are advanced apart. Steps that repeat one batch are right.
    case trainingInputsOneBatchLate = "training-inputs-one-batch-late"

    /// The bug in a few words.
    public var summary: String {
        switch self {
        case .reluBackwardPassesNegative: "relu backward passes the gradient where x < 0"
        case .sigmoidDerivativeOfInput: "sigmoid derivative x(1-x) of the input instead of the output"
        case .tanhDerivativeOfInput: "tanh derivative 1-x² of the input instead of the output"
        case .denseWeightGradientTransposed: "dense weight gradient stored transposed"
        case .denseInputGradientWrongProduct: "dense input gradient dy·W (W read as [units,in]) instead of dy·Wᵀ"
        case .denseMissingBiasGradient: "dense bias gradient missing"
        case .denseBiasGradientNotSummed: "dense bias gradient not summed over the batch"
        case .denseLeaksAcrossBatch: "dense output normalised by the batch's mean (samples leak)"
        case .denseInputGradientLastUnitOnly: "dense input gradient keeps only the last unit's share (= for +=)"
        case .biasGradientAveraged: "dense bias gradient averaged over the batch instead of summed"
        case .convKernelFlipped: "conv2d kernel flipped (convolution, not cross-correlation)"
        case .maxpoolGradientToWindow: "maxpool gradient sent to every element of the window"
        case .maxpoolBackwardAssigns: "maxpool backward assigns (=) where overlapping windows add up (+=)"
        case .maxpoolBackwardFirstWindowOnly: "maxpool backward routes only each plane's first window"
        case .dropoutNotInverted: "dropout not inverted (kept values not scaled by 1/(1-rate))"
        case .dropoutInEvaluation: "dropout active in evaluation"
        case .dropoutBackwardIgnoresMask: "dropout backward scales by 1/(1-rate) but ignores the mask"
        case .batchnormBatchStatisticsInEvaluation: "batchnorm uses batch statistics in evaluation"
        case .batchnormGradientIgnoresStatistics: "batchnorm training gradient ignores the batch statistics (dy·w·invstd)"
        case .bpttTruncatedToOneStep: "rnn backward does not carry dL/dh_t back to h_t-1 (BPTT truncated to 1 step)"
        case .rnnWeightHHGradientUsesCurrentState: "rnn weight_hh gradient from h_t where h_t-1 belongs"
        case .rnnWeightHHGradientSkipsFirstStep: "rnn weight_hh gradient without the first step's term (h_0 taken as zero)"
        case .lstmInputForgetGatesSwapped: "lstm input and forget gates' blocks swapped (f, i, g, o)"
        case .lstmCellGradientSkipsForgetGate: "lstm backward drops the cell path through the forget gate (dc_t-1 = 0)"
        case .gruResetUpdateGatesSwapped: "gru reset and update gates' blocks swapped (z, r, n)"
        case .gruUpdateGateReversed: "gru update gate reversed: h_t = z*n + (1-z)*h_t-1"
        case .lossSumNotMean: "loss summed over the batch instead of averaged"
        case .softmaxWithoutMax: "softmax without the maximum subtracted (overflow)"
        case .softmaxCrossEntropyGradientWrongSign: "softmax cross-entropy gradient onehot-softmax (wrong sign)"
        case .bceUnstable: "binary cross-entropy not in the stable form on logits"
        case .mseGradientMissingFactor2: "mse gradient missing the factor 2"
        case .updatesNotApplied: "optimizer updates not applied"
        case .updateWrongSign: "update with the wrong sign (gradient ascent)"
        case .gradientsNotZeroed: "gradients accumulated across steps (not zeroed)"
        case .momentumNotKept: "momentum buffer not kept between steps"
        case .adamWithoutBiasCorrection: "adam without bias correction"
        case .weightDecayWrongSign: "weight decay with the wrong sign"
        case .rmspropWithoutEpsInside: "rmsprop divides by sqrt(v + eps) instead of sqrt(v) + eps"
        case .adamWDecayCoupled: "adamw weight decay added to the gradient (coupled, as adam's L2)"
        case .initZeros: "all weights initialised to zero"
        case .initConstant: "all weights initialised to the same value"
        case .initScaleTimes10: "initialisation scale 10× too large"
        case .lstmForgetBiasInBothBiases: "lstm forget_bias set in both bias_ih and bias_hh (twice the spec's)"
        case .labelsShuffledSeparately: "labels shuffled separately from the inputs"
        case .trainingInputsZeroed: "training steps run on zeroed inputs (evaluation on the real ones)"
        case .trainingInputsOneBatchLate: "training steps run on the previous step's inputs (one batch behind the targets)"
        }
    }

    /// The spec name, e.g. `relu-backward-passes-negative`.
    public var description: String { rawValue }
}
