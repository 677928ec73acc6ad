/// Where a ``Fault``'s mistake is, in terms of the network it is injected into: what a check that
/// localises the bug must name.
public enum FaultSite: Sendable, Hashable {
    /// Every layer of this type (``LayerSpec/name``: `relu`, `maxpool2d`) runs the wrong code.
    case layerType(String)
    /// The loss: its value or its gradient at the output.
    case loss
    /// The optimizer's step: `rules` are the update rules (``OptimizerSpec/name``) whose steps
    /// go wrong, `nil` when every rule's does (the step loop itself).
    case optimizer(rules: Set<String>?)
    /// The initial weights.
    case initialisation
    /// The data a training step learns from: inputs paired with other targets than theirs (targets
    /// shuffled apart from the inputs, or inputs zeroed or another batch's).
    case data
}

extension Fault {
    /// Where the mistake is.
    public var site: FaultSite {
        switch self {
        case .reluBackwardPassesNegative: .layerType("relu")
        case .sigmoidDerivativeOfInput: .layerType("sigmoid")
        case .tanhDerivativeOfInput: .layerType("tanh")
        case .denseWeightGradientTransposed, .denseInputGradientWrongProduct, .denseMissingBiasGradient, .denseBiasGradientNotSummed,
             .denseLeaksAcrossBatch, .denseInputGradientLastUnitOnly, .biasGradientAveraged:
            .layerType("dense")
        case .convKernelFlipped: .layerType("conv2d")
        case .maxpoolGradientToWindow, .maxpoolBackwardAssigns, .maxpoolBackwardFirstWindowOnly: .layerType("maxpool2d")
        case .dropoutNotInverted, .dropoutInEvaluation, .dropoutBackwardIgnoresMask: .layerType("dropout")
        case .batchnormBatchStatisticsInEvaluation, .batchnormGradientIgnoresStatistics: .layerType("batchnorm")
        case .bpttTruncatedToOneStep, .rnnWeightHHGradientUsesCurrentState, .rnnWeightHHGradientSkipsFirstStep: .layerType("rnn")
        case .lstmInputForgetGatesSwapped, .lstmCellGradientSkipsForgetGate: .layerType("lstm")
        case .gruResetUpdateGatesSwapped, .gruUpdateGateReversed: .layerType("gru")
        case .lossSumNotMean, .softmaxWithoutMax, .softmaxCrossEntropyGradientWrongSign, .bceUnstable, .mseGradientMissingFactor2: .loss
        case .updatesNotApplied, .updateWrongSign, .gradientsNotZeroed: .optimizer(rules: nil)
        // The moments of adam and adamw, rmsprop's running mean square and momentum, sgd's momentum.
        case .momentumNotKept: .optimizer(rules: ["sgd", "adam", "adamw", "rmsprop"])
        case .adamWithoutBiasCorrection: .optimizer(rules: ["adam", "adamw"])
        case .weightDecayWrongSign: .optimizer(rules: ["sgd", "adam", "adamw", "rmsprop"])
        case .rmspropWithoutEpsInside: .optimizer(rules: ["rmsprop"])
        case .adamWDecayCoupled: .optimizer(rules: ["adamw"])
        case .initZeros, .initConstant, .initScaleTimes10, .lstmForgetBiasInBothBiases: .initialisation
        case .labelsShuffledSeparately, .trainingInputsZeroed, .trainingInputsOneBatchLate: .data
        }
    }
}
