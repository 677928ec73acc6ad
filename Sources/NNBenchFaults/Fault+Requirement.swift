import NNBenchDatasets
import NNBenchEngine

extension Fault {
    /// What a network must have for a bug to act on it: the code the bug lives in.
    public enum Requirement: Sendable, Hashable, CustomStringConvertible {
        /// A layer of one of these types (`conv2d`; `dense` or `conv2d` for the initialisers).
        case layer([String])
        /// This loss.
        case loss(Loss)
        /// An `lstm` layer whose spec sets `forget_bias`.
        case lstmForgetBias

        /// The article of a layer type as its name is read aloud: an rnn, an lstm, an embedding; a gru, a dense.
        private static func article(_ type: String) -> String {
            ["rnn", "lstm"].contains(type) || type.first.map("aeiou".contains) == true ? "an" : "a"
        }

        /// `a conv2d layer`, `a dense or conv2d layer`, `an rnn layer`, `the loss softmax_ce`.
        public var description: String {
            switch self {
            case .layer(let types): "\(Self.article(types.first ?? "")) \(types.joined(separator: " or ")) layer"
            case .loss(let loss): "the loss \(loss.rawValue)"
            case .lstmForgetBias: "an lstm layer with forget_bias"
            }
        }
    }

    /// What a network must have for the bug to act on it, or `nil` when it acts on every network
    /// (a loss summed instead of averaged, the optimizers' bugs, the training data's).
    public var requirement: Requirement? {
        switch self {
        case .reluBackwardPassesNegative: .layer(["relu"])
        case .sigmoidDerivativeOfInput: .layer(["sigmoid"])
        case .tanhDerivativeOfInput: .layer(["tanh"])
        case .denseWeightGradientTransposed, .denseInputGradientWrongProduct, .denseMissingBiasGradient, .denseBiasGradientNotSummed,
             .denseLeaksAcrossBatch, .denseInputGradientLastUnitOnly, .biasGradientAveraged:
            .layer(["dense"])
        case .convKernelFlipped: .layer(["conv2d"])
        case .maxpoolGradientToWindow, .maxpoolBackwardAssigns, .maxpoolBackwardFirstWindowOnly: .layer(["maxpool2d"])
        case .dropoutNotInverted, .dropoutInEvaluation, .dropoutBackwardIgnoresMask: .layer(["dropout"])
        case .batchnormBatchStatisticsInEvaluation, .batchnormGradientIgnoresStatistics: .layer(["batchnorm"])
        case .bpttTruncatedToOneStep, .rnnWeightHHGradientUsesCurrentState, .rnnWeightHHGradientSkipsFirstStep: .layer(["rnn"])
        case .lstmInputForgetGatesSwapped, .lstmCellGradientSkipsForgetGate: .layer(["lstm"])
        case .gruResetUpdateGatesSwapped, .gruUpdateGateReversed: .layer(["gru"])
        case .lstmForgetBiasInBothBiases: .lstmForgetBias
        case .softmaxWithoutMax, .softmaxCrossEntropyGradientWrongSign: .loss(.softmaxCrossEntropy)
        case .bceUnstable: .loss(.bceLogits)
        case .mseGradientMissingFactor2: .loss(.mse)
        // The initialisers' bugs overwrite the weights of rank 2 and more: dense and conv2d.
        case .initZeros, .initConstant, .initScaleTimes10: .layer(["dense", "conv2d"])
        case .lossSumNotMean, .updatesNotApplied, .updateWrongSign, .gradientsNotZeroed, .momentumNotKept,
             .adamWithoutBiasCorrection, .weightDecayWrongSign, .rmspropWithoutEpsInside, .adamWDecayCoupled,
             .labelsShuffledSeparately, .trainingInputsZeroed, .trainingInputsOneBatchLate:
            nil
        }
    }

    /// Whether the bug acts on a network of `architecture` trained with `loss`: whether it has
    /// what ``requirement`` names.
    ///
    /// - Parameters:
    ///   - architecture: The network's layers.
    ///   - loss: Its loss.
    /// - Returns: `false` when the bug's code never runs, so that no check could catch it.
    public func acts(on architecture: ArchitectureSpec, loss: Loss) -> Bool {
        switch requirement {
        case nil: true
        case .layer(let types): architecture.layers.contains { types.contains($0.name) }
        case .loss(let needed): loss == needed
        case .lstmForgetBias:
            architecture.layers.contains { if case .lstm(_, _, true, .some) = $0 { true } else { false } }
        }
    }
}
