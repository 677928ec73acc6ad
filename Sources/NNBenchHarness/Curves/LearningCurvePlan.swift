import NNBenchDatasets
import NNBenchEngine
import NNBenchIO

/// What a learning curve trains: one architecture and configuration at growing prefixes of a
/// task's training split, each with several seeds, checked before anything trains.
///
/// The generators are prefix-stable (sample `i` of a split depends on nothing but the task, the
/// data seed, the split and `i`; README, "Determinism"), so the first `s` samples of the task's
/// training split are the training split the task would have at `n = s`, and the validation
/// split is the same samples at every size.
public struct LearningCurvePlan: Sendable {
    /// The task; its training split is the largest pool the sizes draw from.
    public let task: LearningTask
    /// The architecture, resolved for the task.
    public let resolved: ResolvedArchitecture
    /// How every run trains; each run sets its own seed.
    public let configuration: TrainingConfiguration
    /// The training-set sizes, increasing.
    public let sizes: [Int]
    /// The seeds of every size's runs.
    public let seeds: [UInt64]

    /// Checks and creates a plan.
    ///
    /// - Parameters:
    ///   - task: The task. Its validation split must hold other samples than its training split.
    ///   - resolved: The architecture, resolved for the task.
    ///   - configuration: The optimizer, schedule, epochs and batch size of every run.
    ///   - sizes: Increasing sizes in `1...task.train.count`, or `nil` for ``defaultSizes(pool:)``.
    ///   - seeds: At least one seed.
    /// - Throws: ``LearningCurveError`` naming the bad value: no held-out data, sizes that are not
    ///   increasing or exceed the training split, no seed, a size whose batches the architecture
    ///   cannot train on.
    public init(
        task: LearningTask, resolved: ResolvedArchitecture, configuration: TrainingConfiguration, sizes: [Int]?, seeds: [UInt64]
    ) throws(LearningCurveError) {
        let pool = task.train.count
        if task.validation.inputs == task.train.inputs && task.validation.targets == task.train.targets {
            throw LearningCurveError(
                "task '\(task.name)' has the same samples in its training and validation splits (\(pool)), so nothing is held out; a learning curve needs a validation split of other samples (a task with sampled data takes more training samples with --n)")
        }
        let sizes = sizes ?? Self.defaultSizes(pool: pool)
        guard !sizes.isEmpty else { throw LearningCurveError("no training-set size given; expected sizes such as 25,50,100") }
        for (index, size) in sizes.enumerated() {
            guard size >= 1 else { throw LearningCurveError("the training-set size \(size) is not positive") }
            guard size <= pool else {
                throw LearningCurveError("the training-set size \(size) is larger than the training split of task '\(task.name)', \(pool) samples (give it more with --n)")
            }
            if index > 0, size <= sizes[index - 1] {
                throw LearningCurveError("the training-set sizes must increase: \(size) follows \(sizes[index - 1])")
            }
            do throws(SpecError) { try TrainingRun<Float>.checkBatches(resolved, samples: size, batchSize: configuration.batchSize) } catch {
                throw LearningCurveError("the training-set size \(size) of --sizes cannot be trained: \(error.message)")
            }
        }
        guard !seeds.isEmpty else { throw LearningCurveError("no seed; a learning curve needs at least one seed per size") }
        self.task = task
        self.resolved = resolved
        self.configuration = configuration
        self.sizes = sizes
        self.seeds = seeds
    }

    /// Why the validation error measures nothing held out, or `nil`: when every validation sample
    /// (inputs and target) is also one of the largest size's training samples, as `xor` at noise
    /// 0 repeats its four corners in both splits at any `--n`. The gap is then no estimate of
    /// variance; the training error, and so the bias, still is.
    public var heldOutWarning: String? {
        let train = task.withTrainingPrefix(sizes[sizes.count - 1]).train, validation = task.validation
        func sample(_ split: Split, _ index: Int) -> [Double] { Array(split.input(index)) + Array(split.target(index)) }
        // The validation samples not yet met in the training split: memory of the validation
        // split's size, and one pass over the training samples.
        var unseen = Set((0..<validation.count).map { sample(validation, $0) })
        for index in 0..<train.count where !unseen.isEmpty { unseen.remove(sample(train, index)) }
        guard validation.count > 0, unseen.isEmpty else { return nil }
        return "every one of the \(validation.count) validation samples of task '\(task.name)' is also a training sample at \(sizes[sizes.count - 1]) samples: nothing is held out, so the gap says nothing about variance (for a task with sampled data, add input noise, e.g. --noise 0.1)"
    }

    /// The sizes of a curve over a training split of `pool` samples: 25, 50, 100, … doubling while
    /// below `pool`, then `pool` itself; `[pool]` when it is 25 or fewer.
    public static func defaultSizes(pool: Int) -> [Int] {
        var sizes: [Int] = []
        var size = 25
        while size < pool {
            sizes.append(size)
            size *= 2
        }
        return sizes + [pool]
    }

    /// Trains every (size, seed) pair, on up to `jobs` threads, each run single-threaded.
    ///
    /// Runs are collected in a fixed order, so the curve is the same, bit for bit, at any `jobs`.
    /// A run whose loss stops being finite ends there; its errors are NaN (it has none), and the
    /// point counts it in ``LearningCurve/Point/diverged``.
    ///
    /// - Parameter jobs: The most runs at a time.
    /// - Returns: The curve and its diagnosis.
    public func run(jobs: Int) -> LearningCurve {
        let measure = LearningCurve.Measure(task.kind)
        let pairs = sizes.flatMap { size in seeds.map { (size: size, seed: $0) } }
        let outcomes = pairs.concurrentMap(threads: jobs) { pair -> (train: Double, validation: Double, diverged: Bool) in
            var configuration = self.configuration
            configuration.seed = pair.seed
            configuration.stopAtTarget = false
            configuration.threads = 1
            configuration.observation = nil
            let subset = task.withTrainingPrefix(pair.size)
            // The plan checked every size's batches, the only way this can throw.
            guard let run = try? TrainingRun<Float>(task: subset, resolved: resolved, configuration: configuration) else {
                preconditionFailure("a size the plan checked cannot be trained")
            }
            let record = run.run()
            // A diverged run has no error to read: its last epoch's is infinite or meaningless.
            guard !record.outcome.isDiverged else { return (.nan, .nan, true) }
            return (measure.error(record.final.train), measure.error(record.final.validation), false)
        }
        var points: [LearningCurve.Point] = []
        for (index, size) in sizes.enumerated() {
            let runs = outcomes[index * seeds.count..<(index + 1) * seeds.count]
            points.append(LearningCurve.Point(
                size: size, train: runs.map(\.train), validation: runs.map(\.validation), diverged: runs.filter(\.diverged).count))
        }
        return LearningCurve(
            task: task, architecture: resolved.architecture.description, configuration: configuration, seeds: seeds, points: points)
    }
}

/// Why a learning curve cannot be planned, in one line naming the value.
public struct LearningCurveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension LearningTask {
    /// The task with only the first `count` samples of its training split; every other split and
    /// fact unchanged.
    func withTrainingPrefix(_ count: Int) -> LearningTask {
        let split = Split(
            name: .train, inputShape: train.inputShape, targetShape: train.targetShape,
            inputs: Array(train.inputs.prefix(count * train.inputWidth)), targets: Array(train.targets.prefix(count * train.targetWidth)))
        return LearningTask(
            name: name, parameters: parameters, seed: seed, kind: kind, inputShape: inputShape, train: split, validation: validation,
            test: test, answer: answer, chanceLevel: chanceLevel, expectedInitialLoss: expectedInitialLoss, reference: reference)
    }
}
