import NNBenchDatasets
import NNBenchEngine
import NNBenchIO

/// Train and validation error against training-set size, over several seeds, with the diagnosis
/// the curve supports (``LearningCurve/Diagnosis``): what `nnbench curve` prints (docs/learning-curve.md).
///
/// The error is `1 − accuracy` for classification and the loss (mean squared error) for
/// regression (``Measure``), each seed's after its last epoch, in evaluation mode, on the
/// training prefix it was trained on and on the task's whole validation split, the same
/// samples for every size.
public struct LearningCurve: Sendable, Hashable, Encodable {
    /// What the curve calls error.
    public enum Measure: String, Sendable, Hashable, Encodable {
        /// `1 − accuracy`: the fraction of predictions that are wrong (classification).
        case classificationError = "1 - accuracy"
        /// The mean squared error, the regression tasks' loss.
        case mse

        /// The measure of a task of `kind`.
        public init(_ kind: TaskKind) {
            if case .regression = kind { self = .mse } else { self = .classificationError }
        }

        /// The error of `metrics`.
        func error(_ metrics: SplitMetrics) -> Double {
            switch self {
            case .classificationError: return 1 - (metrics.accuracy ?? .nan)
            case .mse: return metrics.mse ?? metrics.loss
            }
        }
    }

    /// A known error level the curve is read against, with where it comes from.
    public struct Level: Sendable, Hashable, Encodable {
        /// The error, in the curve's ``Measure``.
        public var value: Double
        /// Where it comes from, in words: `1 − Bayes accuracy 0.993`.
        public var source: String
    }

    /// One training-set size: every seed's final errors and their summaries.
    public struct Point: Sendable, Hashable, Encodable {
        /// Training samples: the first `size` of the task's training split.
        public var size: Int
        /// Each seed's error on its training samples, in seed order.
        public var train: [Double]
        /// Each seed's error on the validation split, in seed order.
        public var validation: [Double]
        /// The seeds whose loss stopped being finite (their errors are NaN).
        public var diverged: Int

        /// Each seed's validation error minus its training error.
        public var gaps: [Double] { zip(validation, train).map { $0 - $1 } }

        enum CodingKeys: String, CodingKey {
            case size, train, validation, gap, diverged
        }

        /// Writes the values with their mean and sample standard deviation, `{"values", "mean", "sd"}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(size, forKey: .size)
            try container.encode(SummaryFigures(train), forKey: .train)
            try container.encode(SummaryFigures(validation), forKey: .validation)
            try container.encode(SummaryFigures(gaps), forKey: .gap)
            try container.encode(diverged, forKey: .diverged)
        }
    }

    /// The task's name.
    public var task: String
    /// The architecture trained, as a spec.
    public var architecture: String
    /// The optimizer.
    public var optimizer: String
    /// The passes over each size's training samples.
    public var epochs: Int
    /// Samples per step.
    public var batchSize: Int
    /// The seeds of the runs (initial weights, shuffling, dropout), the same at every size.
    public var seeds: [UInt64]
    /// The seed of the task's data.
    public var dataSeed: UInt64
    /// The samples of the validation split.
    public var validationSize: Int
    /// What the errors are.
    public var measure: Measure
    /// The smallest error known to be reachable: the Bayes error, the noise floor, or what the
    /// reference solution reaches.
    public var optimum: Level
    /// The error of a model that ignores its input (the majority class; the targets' mean).
    public var chance: Level
    /// The best error of a model without hidden layers or without memory, where the task knows it.
    public var capacityLesson: Level?
    /// One point per size, in increasing size.
    public var points: [Point]
    /// What the curve supports at its largest size.
    public var diagnosis: Diagnosis

    /// Assembles a curve and diagnoses it.
    ///
    /// - Parameters:
    ///   - task: The task, whose known answer gives the optimum, chance and capacity lesson.
    ///   - architecture: The architecture's spec.
    ///   - configuration: How each run was trained (its seed is not used).
    ///   - seeds: The runs' seeds.
    ///   - points: At least one point, with at least one seed each, in increasing size.
    public init(task: LearningTask, architecture: String, configuration: TrainingConfiguration, seeds: [UInt64], points: [Point]) {
        precondition(!points.isEmpty, "a learning curve needs at least one size")
        let measure = Measure(task.kind)
        self.task = task.name
        self.architecture = architecture
        optimizer = configuration.optimizer.description
        epochs = configuration.epochs
        batchSize = configuration.batchSize
        self.seeds = seeds
        dataSeed = task.seed
        validationSize = task.validation.count
        self.measure = measure
        optimum = Self.optimum(of: task, measure: measure)
        chance = measure == .mse
            ? Level(value: task.chanceLevel, source: "predicting the targets' mean")
            : Level(value: 1 - task.chanceLevel, source: "predicting the majority class")
        capacityLesson = Self.capacityLesson(of: task, measure: measure)
        self.points = points
        diagnosis = Diagnosis(points: points, optimum: optimum.value, chance: chance.value, capacityLesson: capacityLesson)
    }

    /// The task's known optimum in the curve's measure: the Bayes error (`1 − Bayes accuracy`) or
    /// the noise floor where the task knows it; else the error its reference solution's target
    /// stands for, a level known to be reachable; else 0, the least any error can be.
    static func optimum(of task: LearningTask, measure: Measure) -> Level {
        let answer = task.answer, target = task.reference.target
        switch measure {
        case .classificationError:
            if let bayes = answer.bayesAccuracy { return Level(value: 1 - bayes, source: "1 − Bayes accuracy \(bayes.numberText)") }
            if target.metric == .accuracy {
                return Level(value: 1 - target.value, source: "1 − the reference solution's target, \(target)")
            }
        case .mse:
            if let floor = answer.noiseFloor { return Level(value: floor, source: "the noise floor") }
            if target.metric == .mse { return Level(value: target.value, source: "the reference solution's target, \(target)") }
        }
        return Level(value: 0, source: "none known: 0")
    }

    /// The best error without hidden layers (`1 −` the linear bound) or without memory (the
    /// memoryless loss of a regression task), where the task knows it.
    static func capacityLesson(of task: LearningTask, measure: Measure) -> Level? {
        switch measure {
        case .classificationError:
            return task.answer.linearBound.map { Level(value: 1 - $0, source: "1 − the best linear model's accuracy \($0.numberText)") }
        case .mse:
            return task.answer.memorylessLoss.map { Level(value: $0, source: "the best prediction from the step alone") }
        }
    }
}

/// The values of a summary as JSON writes them: `values`, `mean`, `sd` (absent for one value).
struct SummaryFigures: Encodable {
    let values: [Double]
    let mean: Double
    let sd: Double?

    init(_ values: [Double]) {
        let summary = Summary(values)
        self.values = values
        mean = summary.mean
        sd = summary.standardDeviation
    }
}
