import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The input-independent baseline (Karpathy, "A Recipe for Training Neural Networks", 2019): the
/// model trained on its inputs must do better on validation than the same model trained on
/// zeroed inputs. A training step that does not learn from its inputs paired with their targets
/// (inputs one batch behind their targets, while evaluation sees the real ones) passes the checks
/// that take their steps on one fixed batch; here it does no better than the baseline.
///
/// **Two runs.** Each on a freshly built model (state a program keeps between steps starts
/// afresh) holding the first build's initial weights, ``steps`` steps of the same optimizer on
/// the same batches of the training split (``batchSize`` samples, shuffled each epoch): once
/// on the real inputs, once with every input value set to 0. For token inputs (an `embedding`
/// first) 0 is a valid index, so "zeroed" means every position holds token 0; either way every
/// zeroed sample is the same input, so the zeroed run can learn only a constant prediction, which
/// is what the baseline is.
///
/// **The comparison.** The real run is scored on the real validation inputs, the zeroed run on
/// the zeroed validation inputs (the same targets). The zeroed run's model has only ever seen the
/// input 0: at 0 it gives the constant it learnt, the best a model without its inputs does (the
/// majority class, the targets' mean); on real inputs it would extrapolate from a point it never
/// left, adding an arbitrary error that makes the baseline worse, and so would let an
/// implementation that ignores its inputs pass against a weakened baseline.
///
/// **The bound.** Per validation sample `i` (the first ``validationSamples``), a score: 1 or 0 for
/// a right or wrong class (an accuracy's Bernoulli terms; with a class per time step, the share of
/// the sample's steps right, since one sequence's steps are not independent draws), minus the
/// squared error averaged over the outputs for regression. The paired differences `d_i = real_i − zeroed_i` have mean `D` and
/// standard error `SE = s/√n` (`s` their sample standard deviation): the sampling noise of the
/// validation estimate of the gain, which for accuracies is at most the binomial `0.5/√n` per
/// run. An implementation that ignores its inputs has an expected gain ≤ 0, so `D > 3·SE` is
/// passed by chance with probability ≤ 0.13 % (one-sided normal, by the central limit theorem,
/// for n ≥ ``minimumSamples``). The load is `3·SE/D`.
///
/// **Only where it means something.** The task's known answer must beat chance: a Bayes accuracy
/// above the majority-class rate, or a noise floor below the targets' variance (the constant
/// prediction's mean squared error); `memorize` and `random-labels` have labels independent of
/// their inputs, and the check is skipped there, saying so. An architecture may not beat its
/// baseline clearly within the steps given (a recurrent network on a long sequence, a
/// checkerboard): when the model's load is above ``referenceLoad``, nnbench's reference engine is
/// trained the same way from the same weights, and unless its own load is at most
/// ``referenceLoad`` the check passes with a note, holding the model to nothing. Where it is, the
/// model is also held to at least ``referenceFraction`` of the reference's gain: a pipeline that
/// pairs only a step or two right (the first step of inputs one batch late, whose Adam step keeps
/// its full size while the later, mispaired ones average out) gains a little, a few standard
/// errors, but far less than the correct engine; that load is the shortfall
/// `(D_ref − D)/(0.5·D_ref)`, and the check's is the larger of the two.
struct InputBaselineCheck: Check {
    let name = "input-baseline"
    let summary = "trained on its inputs it beats the same training on zeroed inputs by > 3 standard errors on validation (tasks that beat chance)"
    let requiredOps: [ModelOp] = [.step]
    /// A few passes over a small training split: enough for the showcases and the catalogue's
    /// dense references to leave the constant prediction far behind, few enough to keep the check
    /// to a fraction of the battery's time.
    static let steps = 300
    static let batchSize = 16
    /// The validation targets scored, at most.
    static let validationSamples = 1024
    /// Below this the standard error is itself too noisy for a normal bound.
    static let minimumSamples = 32
    /// The gain must exceed this many standard errors.
    static let standardErrors = 3.0
    /// A model whose load is above this (a gain below 6 SE) is held to the bound only where the
    /// reference engine, trained the same way from the same weights, stays below it: where a
    /// correct implementation clears the bound with the margin every check keeps (≥ 0.5).
    static let referenceLoad = 0.5
    /// Where the reference engine is clear of the bound, a model is also held to at least this
    /// fraction of its gain: as `overfit` holds a model to the reference's fit, an allowance for
    /// rounding, which alone sets two correct implementations' training apart from the same weights.
    static let referenceFraction = 0.5
    /// Adam where the model offers it; otherwise SGD with momentum, as `overfit` trains.
    static let optimizers: [OptimizerSpec] = [.adam(learningRate: 0.01), .sgd(learningRate: 0.05, momentum: 0.9)]

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        if let reason = Self.chanceReason(context.task) { return .skipped(reason) }
        let validation = CheckContext.batch(from: context.task.validation, count: Self.validationSamples)
        guard let samples = validation.targets.shape.first, samples >= Self.minimumSamples else {
            return .skipped("the validation split has \(validation.targets.shape.first ?? 0) samples; its standard error needs ≥ \(Self.minimumSamples)")
        }
        guard let optimizer = context.optimizer(Self.optimizers) else {
            return .skipped("needs adam or sgd, which the model does not offer")
        }
        try context.build()
        let model = context.model, initial = try model.parameters()
        let batches = Self.batches(context.task.train, seed: context.seed)
        let isRegression = context.loss == .mse
        var runs: [[Double]] = []
        for zeroed in [false, true] {
            if zeroed { try context.build() }
            try model.setParameters(initial)
            for batch in batches {
                _ = try model.step(inputs: zeroed ? batch.inputs.zeroed : batch.inputs, targets: batch.targets, optimizer: optimizer)
            }
            let output = try model.forward(zeroed ? validation.inputs.zeroed : validation.inputs, training: false, trace: false).output
            runs.append(Self.scores(output, targets: validation.targets, regression: isRegression))
        }
        let constant = Self.constantScores(context.task.train, targets: validation.targets, regression: isRegression)
        let gain = Gain(real: runs[0], zeroed: runs[1], constant: constant)
        let figure = gain.figure(regression: isRegression)
        let bound = "gain > \(Int(Self.standardErrors)) SE (\(short(Self.standardErrors * gain.standardError)))"
        if let load = gain.load, load <= Self.referenceLoad { return .passed(figure, bound: bound, load: load) }
        let reference = try referenceGain(context, initial: initial, batches: batches, validation: validation, optimizer: optimizer)
        let referenceText = "from the same weights the reference engine gains \(short(reference.mean)) (load \(reference.load.map { short($0) } ?? "∞"))"
        guard let referenceLoad = reference.load, referenceLoad <= Self.referenceLoad else {
            // The bound printed says why this figure passes: the architecture itself is not clear of it.
            return .passed(
                figure, bound: bound + ", unless the reference engine also gains < \(Int(Self.standardErrors / Self.referenceLoad)) SE",
                notes: ["the architecture does not clearly beat its baseline in \(Self.steps) steps of \(optimizer): \(referenceText)"])
        }
        // Held to the reference: its gain is clear of the bound, so a correct model's is too, and is
        // near the reference's (the same weights and batches; only rounding apart).
        let shortfall = (reference.mean - gain.mean) / (Self.referenceFraction * reference.mean)
        let load = Swift.max(gain.load ?? .infinity, shortfall)
        let heldBound = bound + ", ≥ \(short(Self.referenceFraction)) × the reference's \(short(reference.mean))"
        if load <= 1 { return .passed(figure, bound: heldBound, load: load, notes: [referenceText]) }
        let missed = gain.passes
            ? "gains \(short(gain.mean)) on validation over its baseline, less than \(short(Self.referenceFraction)) × the reference's"
            : "does no better on validation than its baseline (gain \(short(gain.mean)), \(Int(Self.standardErrors)) standard errors \(short(Self.standardErrors * gain.standardError)))"
        return .failed(
            figure, bound: heldBound,
            "trained \(Self.steps) steps of \(optimizer) on its inputs it \(missed); " + referenceText + ": the training steps do not learn from their inputs",
            .inputIgnored, load: load.isFinite ? load : nil, at: .data)
    }

    /// Why the check does not apply to `task`, or `nil` when its known answer beats chance.
    static func chanceReason(_ task: LearningTask) -> String? {
        if task.loss == .mse {
            guard let floor = task.answer.noiseFloor, floor < task.chanceLevel else {
                return "\(task.name) has no known noise floor below the constant prediction's mse \(short(task.chanceLevel)): nothing says its inputs help"
            }
        } else {
            guard let bayes = task.answer.bayesAccuracy, bayes > task.chanceLevel else {
                let known = task.answer.bayesAccuracy.map { "its Bayes accuracy \(short(100 * $0)) % does not beat" } ?? "no known Bayes accuracy beats"
                return "\(task.name): \(known) the majority class's \(short(100 * task.chanceLevel)) %: nothing says its inputs help"
            }
        }
        return nil
    }

    /// The batches of the ``steps`` steps: each epoch the training split in a new order (a
    /// Fisher–Yates shuffle from the stream `(seed, "input-baseline")` at the epoch's index), cut
    /// into batches of ``batchSize`` samples (the whole split when it is smaller), the remainder
    /// left out. Shuffled, so that no step's inputs are paired with the same other batch's targets
    /// twice when a pipeline mixes them up.
    static func batches(_ split: Split, seed: UInt64) -> [(inputs: Tensor<Double>, targets: Tensor<Double>)] {
        let size = Swift.min(batchSize, split.count), perEpoch = Swift.max(split.count / Swift.max(size, 1), 1)
        var order: [Int] = []
        return (0..<steps).map { step in
            if step % perEpoch == 0 {
                order = Array(0..<split.count)
                var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "input-baseline"), index: UInt64(step / perEpoch))
                stream.shuffle(&order)
            }
            let samples = order[step % perEpoch * size..<(step % perEpoch + 1) * size]
            return (Tensor(shape: [size] + split.inputShape, scalars: samples.flatMap { split.input($0) }),
                    Tensor(shape: [size] + split.targetShape, scalars: samples.flatMap { split.target($0) }))
        }
    }

    /// Each sample's score: the share of its classes predicted right (1 or 0 with one class per
    /// sample); for regression, minus the squared error averaged over the sample's outputs. Per
    /// sample, not per target: a sequence's per-step hits are not independent of each other, and
    /// the standard error counts independent scores.
    static func scores(_ output: Tensor<Double>, targets: Tensor<Double>, regression: Bool) -> [Double] {
        guard regression else { return perSample(ModelTraining.hits(output, targets: targets), samples: targets.shape.first ?? 0) }
        let n = targets.shape.first ?? 0, width = targets.count / Swift.max(n, 1)
        return (0..<n).map { i in
            var sum = 0.0
            for j in i * width..<(i + 1) * width { sum += (output.scalars[j] - targets.scalars[j]) * (output.scalars[j] - targets.scalars[j]) }
            return -sum / Double(Swift.max(width, 1))
        }
    }

    /// `values` (one per target, `samples` samples' targets in order) averaged per sample.
    static func perSample(_ values: [Double], samples: Int) -> [Double] {
        let width = values.count / Swift.max(samples, 1)
        guard width > 1 else { return values }
        return (0..<samples).map { i in values[i * width..<(i + 1) * width].reduce(0, +) / Double(width) }
    }

    /// The scores of the best constant prediction of the training split's targets (each output's
    /// mean; the most frequent class, the first of those tied) on `targets`.
    static func constantScores(_ split: Split, targets: Tensor<Double>, regression: Bool) -> [Double] {
        let width = Swift.max(split.targetWidth, 1), n = targets.count / width
        if regression {
            let means = (0..<width).map { j in stride(from: j, to: split.targets.count, by: width).reduce(0.0) { $0 + split.targets[$1] } / Double(Swift.max(split.count, 1)) }
            return (0..<n).map { i in -(0..<width).reduce(0.0) { $0 + (targets.scalars[i * width + $1] - means[$1]) * (targets.scalars[i * width + $1] - means[$1]) } / Double(width) }
        }
        var counts: [Double: Int] = [:]
        for label in split.targets { counts[label, default: 0] += 1 }
        let majority = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 0
        return perSample(targets.scalars.map { $0 == majority ? 1 : 0 }, samples: targets.shape.first ?? 0)
    }

    /// The reference engine trained both ways from `initial`, as the model was.
    private func referenceGain(
        _ context: CheckContext, initial: [String: Tensor<Double>], batches: [(inputs: Tensor<Double>, targets: Tensor<Double>)],
        validation: (inputs: Tensor<Double>, targets: Tensor<Double>), optimizer: OptimizerSpec
    ) throws(ModelError) -> Gain {
        var runs: [[Double]] = []
        for zeroed in [false, true] {
            let network = try context.reference(holding: initial)
            let referenceOptimizer = NetworkOptimizer(optimizer, network: network)
            for batch in batches {
                _ = referenceOptimizer.step(inputs: zeroed ? batch.inputs.zeroed : batch.inputs, targets: batch.targets, training: true)
            }
            let output = network.forward(zeroed ? validation.inputs.zeroed : validation.inputs)
            runs.append(Self.scores(output, targets: validation.targets, regression: context.loss == .mse))
        }
        return Gain(real: runs[0], zeroed: runs[1], constant: Self.constantScores(context.task.train, targets: validation.targets, regression: context.loss == .mse))
    }

    /// The paired gain of the real run over the baseline on the same validation targets: the
    /// zeroed run or the best constant, whichever scores higher.
    struct Gain {
        let real: [Double], zeroed: [Double], constant: [Double]
        /// `D`, the mean of `real_i − baseline_i`.
        let mean: Double
        /// `s/√n`.
        let standardError: Double

        init(real: [Double], zeroed: [Double], constant: [Double]) {
            self.real = real
            self.zeroed = zeroed
            self.constant = constant
            let baseline = constant.reduce(0, +) > zeroed.reduce(0, +) ? constant : zeroed
            let differences = zip(real, baseline).map { $0 - $1 }
            let n = Double(Swift.max(differences.count, 1))
            let mean = differences.reduce(0, +) / n
            let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Swift.max(n - 1, 1)
            self.mean = mean
            standardError = (variance / n).squareRoot()
        }

        var passes: Bool { mean > 0 && mean > InputBaselineCheck.standardErrors * standardError }
        /// `3·SE/D`; `nil` when the gain is not positive (no scale: the bound is missed outright).
        var load: Double? { mean > 0 ? InputBaselineCheck.standardErrors * standardError / mean : nil }

        /// `accuracy 97 % vs 50 % zeroed, 50 % constant (n 256)`, `mse 0.012 vs 1.3 zeroed, 1.2 constant (n 64)`.
        func figure(regression: Bool) -> String {
            let n = Double(Swift.max(real.count, 1))
            let (a, b, c) = (real.reduce(0, +) / n, zeroed.reduce(0, +) / n, constant.reduce(0, +) / n)
            return regression
                ? "mse \(short(-a)) vs \(short(-b)) zeroed, \(short(-c)) constant (n \(real.count))"
                : "accuracy \(short(100 * a)) % vs \(short(100 * b)) % zeroed, \(short(100 * c)) % constant (n \(real.count))"
        }
    }
}

extension Tensor<Double> {
    /// A tensor of the same shape holding zeros.
    fileprivate var zeroed: Tensor<Double> { Tensor(shape: shape, scalars: Array(repeating: 0, count: count)) }
}
