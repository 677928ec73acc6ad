import NNBenchEngine
import NNBenchModel

/// Overfit one tiny batch (Karpathy's first check): eight samples of the task, trained with Adam
/// (or SGD with momentum, for a model without Adam),
/// must reach a loss near zero (and every sample right, for classification) within a bounded
/// number of steps. Failing to points at the gradient, the update or the data feeding.
///
/// Not every architecture can: a linear model cannot fit xor, and dropout's noise keeps a loss
/// above zero. So when the model misses, nnbench's reference engine is trained the same way from
/// the model's own initial weights; if it misses too, the architecture is at fault, not the
/// model, and the model passes when its loss exceeds the reference's by less than the reference's
/// loss plus the target (the load is that excess as a fraction of it). A model that misses where
/// the reference fits, or ends far worse, fails.
struct OverfitCheck: Check {
    let name = "overfit"
    let summary = "eight samples are fit to loss ≈ 0 and 100 % accuracy within \(Self.maximumSteps) steps, or as well as the reference engine fits them"
    let requiredOps: [ModelOp] = [.step]
    /// Twice what the slowest correct fit of the self-test sweep takes (`docs/checks.md`).
    static let maximumSteps = 1200
    /// Adam where the model offers it; SGD with momentum otherwise, at a rate whose effective step
    /// lr/(1 − momentum) = 0.5 is within what the showcases' small networks take without diverging.
    static let optimizers: [OptimizerSpec] = [.adam(learningRate: 0.02), .sgd(learningRate: 0.05, momentum: 0.9)]
    /// "Loss ≈ 0": for classification 0.05 nats (every sample's probability above 0.95); for
    /// regression 1 % of the batch's initial loss.
    static let classificationLoss = 0.05
    static let regressionFraction = 0.01

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        guard let optimizer = context.optimizer(Self.optimizers) else {
            return .skipped("needs adam or sgd, which the model does not offer")
        }
        try context.build()
        let model = context.model, batch = context.batch(8)
        let weights = try model.parameters()
        let initial = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let isRegression = context.loss == .mse
        // Karpathy's recipe fits one batch with regularisation off: dropout's random masks make the
        // steps a fit takes a random number (a correct spirals net with dropout(0.5) took 1200 at
        // one seed, 1.5× another's), so protocol 2 models train in evaluation mode.
        let training = !(context.info.version >= 2 && context.layers.contains { if case .dropout = $0 { true } else { false } })
        var notes = ["trained with \(optimizer)" + (training ? "" : " in evaluation mode (dropout off), as one fits a single batch")]
        let target = isRegression ? Self.regressionFraction * initial : Self.classificationLoss
        var (loss, accuracy) = (initial, 0.0)
        for step in stride(from: 25, through: Self.maximumSteps, by: 25) {
            try ModelTraining.train(model, on: batch, optimizer: optimizer, steps: 25, training: training)
            loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
            accuracy = isRegression ? 1 : try ModelTraining.accuracy(model, on: batch)
            if loss <= target && accuracy == 1 {
                // The figure that has a margin is the number of steps it took; the loss is just under
                // the target whenever the run stops.
                var load = Double(step) / Double(Self.maximumSteps)
                // Past half the budget, how near failing it came depends on the reference: a miss
                // fails only where the correct engine fits, so when it does not fit either, a miss
                // would have been held to it (and this loss is below it: no excess).
                if load > 0.5 {
                    let reference = try referenceFit(context, weights: weights, batch: batch, optimizer: optimizer, training: training)
                    if reference.loss > target || reference.accuracy < 1 {
                        load = 0
                        notes.append("the reference engine, trained the same way from the same weights, does not fit in \(Self.maximumSteps) steps (loss \(short(reference.loss)))")
                    }
                }
                return .passed(
                    "loss \(short(loss)) in \(step) steps", bound: "≤ \(short(target)) in ≤ \(Self.maximumSteps) steps",
                    load: load, notes: notes)
            }
        }
        let (referenceLoss, referenceAccuracy) = try referenceFit(context, weights: weights, batch: batch, optimizer: optimizer, training: training)
        let accuracyText = isRegression ? "" : ", accuracy \(short(100 * accuracy)) %"
        let allowance = 2 * referenceLoss + target
        if referenceLoss > target || referenceAccuracy < 1 {
            let referenceText = "the reference engine reaches \(short(referenceLoss))" + (isRegression ? "" : " (\(short(100 * referenceAccuracy)) %)")
            let excess = Swift.max(0, loss - referenceLoss) / (referenceLoss + target)
            if loss <= allowance {
                return .passed(
                    "loss \(short(loss))\(accuracyText)", bound: "≤ \(short(allowance)) (reference)", load: excess,
                    notes: notes + ["the architecture cannot fit these \(batch.inputs.shape[0]) samples in \(Self.maximumSteps) steps: \(referenceText)"])
            }
            return .failed(
                "loss \(short(loss))\(accuracyText)", bound: "≤ \(short(allowance)) (reference)",
                "after \(Self.maximumSteps) steps of \(optimizer) the loss is \(short(loss)) (from \(short(initial))); from the same weights \(referenceText)",
                .cannotOverfit, load: excess, notes: notes)
        }
        return .failed(
            "loss \(short(loss))\(accuracyText)", bound: "≤ \(short(target))\(isRegression ? "" : ", 100 %")",
            "after \(Self.maximumSteps) steps of \(optimizer) on \(batch.inputs.shape[0]) samples the loss is \(short(loss)) (from \(short(initial)))\(accuracyText); from the same weights the reference engine reaches \(short(referenceLoss))",
            .cannotOverfit, load: loss / target, notes: notes)
    }

    /// The reference engine trained the same way from the same weights for the whole budget: its
    /// loss and accuracy on the batch.
    private func referenceFit(
        _ context: CheckContext, weights: [String: Tensor<Double>], batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        optimizer: OptimizerSpec, training: Bool
    ) throws(ModelError) -> (loss: Double, accuracy: Double) {
        let reference = try context.reference(holding: weights)
        let referenceOptimizer = NetworkOptimizer(optimizer, network: reference)
        for _ in 0..<Self.maximumSteps { referenceOptimizer.step(inputs: batch.inputs, targets: batch.targets, training: training) }
        let loss = reference.loss(inputs: batch.inputs, targets: batch.targets)
        return (loss, context.loss == .mse ? 1 : ModelTraining.accuracy(reference.forward(batch.inputs), targets: batch.targets))
    }
}
