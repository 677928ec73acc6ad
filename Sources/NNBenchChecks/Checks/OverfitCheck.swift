import NNBenchEngine
import NNBenchModel

/// Overfit one tiny batch (Karpathy's first check): eight samples of the task, trained with Adam
/// (or SGD with momentum, for a model without Adam),
/// must reach a loss near zero (and every sample right, for classification) within a bounded
/// number of steps. Failing to points at the gradient, the update or the data feeding.
///
/// Not every architecture can: a linear model cannot fit xor, and dropout's noise keeps a loss
/// above zero. And where a fit is reached only after many steps, whether it is reached depends
/// on every rounding on the way: a correct float32 model can miss a fit the Double reference
/// makes in 525 steps, or end at several times its loss where neither fits, while what the two
/// gained stays close. So a model that misses is held to the gain of nnbench's reference engine,
/// trained the same way from the model's own initial weights: at least half of it (the initial
/// loss minus the final one), as `input-baseline` holds a model to half the reference's gain
/// (`docs/checks.md`, "overfit").
struct OverfitCheck: Check {
    let name = "overfit"
    let summary = "eight samples are fit to loss ≈ 0 and 100 % accuracy within \(Self.maximumSteps) steps, or gain at least half what the reference engine gains from the same weights"
    let requiredOps: [ModelOp] = [.step]
    /// Twice what the slowest correct fit of the self-test sweep takes (`docs/checks.md`).
    static let maximumSteps = 1200
    /// How often the fit is measured, in steps.
    static let interval = 25
    /// Adam where the model offers it; SGD with momentum otherwise, at a rate whose effective step
    /// lr/(1 − momentum) = 0.5 is within what the showcases' small networks take without diverging.
    static let optimizers: [OptimizerSpec] = [.adam(learningRate: 0.02), .sgd(learningRate: 0.05, momentum: 0.9)]
    /// "Loss ≈ 0": for classification 0.05 nats (every sample's probability above 0.95); for
    /// regression 1 % of the batch's initial loss.
    static let classificationLoss = 0.05
    static let regressionFraction = 0.01
    /// Where the model does not fit, the share of the reference's gain it must reach.
    static let gainFraction = 0.5

    /// A fit of the batch: where it ended, and the step at which it first reached the target.
    struct Fit {
        var loss: Double
        var accuracy: Double
        var stepsToTarget: Int?
    }

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
        let fit = try Self.fit(target: target) { () throws(ModelError) in
            try ModelTraining.train(model, on: batch, optimizer: optimizer, steps: Self.interval, training: training)
            let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
            return (loss, isRegression ? 1 : try ModelTraining.accuracy(model, on: batch))
        }
        if let steps = fit.stepsToTarget {
            // The figure with a margin is the share of the budget the fit took (the loss is just
            // under the target whenever the run stops).
            return .passed("loss \(short(fit.loss)) in \(steps) steps", bound: "≤ \(short(target)) in ≤ \(Self.maximumSteps) steps",
                           load: Double(steps) / Double(Self.maximumSteps), notes: notes)
        }
        let figure = "loss \(short(fit.loss))" + (isRegression ? "" : ", accuracy \(short(100 * fit.accuracy)) %")
        let reference = try referenceFit(context, weights: weights, batch: batch, optimizer: optimizer, training: training, target: target)
        let referenceText = "the reference engine " + (reference.stepsToTarget.map { "fits in \($0) steps" } ?? "does not fit")
            + " (loss \(short(reference.loss))" + (isRegression ? ")" : ", \(short(100 * reference.accuracy)) %)")
        notes.append("from the same weights \(referenceText); the model is held to half its gain")
        let referenceGain = initial - reference.loss
        guard referenceGain > 0 else {
            return .passed(figure, bound: "none (the reference gains nothing)", load: 0, notes: notes)
        }
        let bound = initial - Self.gainFraction * referenceGain
        let shortfall = fit.loss.isNaN ? .infinity : Swift.max(0, fit.loss - reference.loss) / (Self.gainFraction * referenceGain)
        if fit.loss <= bound {
            return .passed(figure, bound: "≤ \(short(bound)) (½ the reference's gain)", load: shortfall, notes: notes)
        }
        return .failed(
            figure, bound: "≤ \(short(bound)) (½ the reference's gain)",
            "after \(Self.maximumSteps) steps of \(optimizer) the loss is \(short(fit.loss)) (from \(short(initial))): less than half the gain of the reference engine, which reaches \(short(reference.loss)) from the same weights",
            .cannotOverfit, load: shortfall, notes: notes)
    }

    /// Runs `interval` steps at a time (each call of `advance` returns the loss and accuracy after
    /// them) until the target is reached or the budget spent.
    static func fit(target: Double, advance: () throws(ModelError) -> (Double, Double)) throws(ModelError) -> Fit {
        var fit = Fit(loss: .nan, accuracy: 0, stepsToTarget: nil)
        for step in stride(from: interval, through: maximumSteps, by: interval) {
            (fit.loss, fit.accuracy) = try advance()
            if fit.loss <= target && fit.accuracy == 1 {
                fit.stepsToTarget = step
                return fit
            }
        }
        return fit
    }

    /// The reference engine trained the same way from the same weights, stopping where it reaches
    /// the target, as the model does.
    private func referenceFit(
        _ context: CheckContext, weights: [String: Tensor<Double>], batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        optimizer: OptimizerSpec, training: Bool, target: Double
    ) throws(ModelError) -> Fit {
        let reference = try context.reference(holding: weights)
        let referenceOptimizer = NetworkOptimizer(optimizer, network: reference)
        return try Self.fit(target: target) {
            for _ in 0..<Self.interval { referenceOptimizer.step(inputs: batch.inputs, targets: batch.targets, training: training) }
            let loss = reference.loss(inputs: batch.inputs, targets: batch.targets)
            return (loss, context.loss == .mse ? 1 : ModelTraining.accuracy(reference.forward(batch.inputs), targets: batch.targets))
        }
    }
}
