import NNBenchEngine
import NNBenchModel

/// Overfit one tiny batch (Karpathy's first check): eight samples of the task, trained with Adam,
/// must reach a loss near zero (and every sample right, for classification) within a bounded
/// number of steps. Any network with a few units per sample can; failing to points at the
/// gradient, the update or the data feeding.
struct OverfitCheck: Check {
    let name = "overfit"
    let summary = "eight samples are fit to loss ≈ 0 and 100 % accuracy within \(Self.maximumSteps) steps"
    let requiredOps: [ModelOp] = [.step]
    static let maximumSteps = 600
    static let optimizer = OptimizerSpec.adam(learningRate: 0.02)
    /// "Loss ≈ 0": for classification 0.05 nats (every sample's probability above 0.95); for
    /// regression 1 % of the batch's initial loss.
    static let classificationLoss = 0.05
    static let regressionFraction = 0.01

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(8)
        let initial = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let isRegression = context.loss == .mse
        let target = isRegression ? Self.regressionFraction * initial : Self.classificationLoss
        var (loss, accuracy) = (initial, 0.0)
        for step in stride(from: 25, through: Self.maximumSteps, by: 25) {
            try ModelTraining.train(model, on: batch, optimizer: Self.optimizer, steps: 25)
            loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
            accuracy = isRegression ? 1 : try ModelTraining.accuracy(model, on: batch)
            if loss <= target && accuracy == 1 {
                return .passed("loss \(short(loss)) in \(step) steps", bound: "≤ \(short(target))")
            }
        }
        let accuracyText = isRegression ? "" : ", accuracy \(short(100 * accuracy)) %"
        return .failed(
            "loss \(short(loss))\(accuracyText)", bound: "≤ \(short(target))\(isRegression ? "" : ", 100 %")",
            "after \(Self.maximumSteps) steps of \(Self.optimizer) on \(batch.inputs.shape[0]) samples the loss is \(short(loss)) (from \(short(initial)))\(accuracyText)",
            .cannotOverfit)
    }
}
