import NNBenchIO

/// What is known of a task before any model is trained on it.
///
/// Every field is a fact of the generating process, not of a trained model: the weights that
/// generated the data, the best accuracy any classifier can reach, the error no regressor can
/// go below. nnbench's checks compare what an implementation learns with these.
public struct KnownAnswer: Sendable, Hashable {
    /// Parameters of the generating model, by name (`"W"`, `"b"`); a dense layer that fits the task
    /// without hidden layers should recover them. `W` is `[inputs, outputs]`, as a protocol dense weight.
    public var weights: [String: ShapedArray]
    /// The accuracy of the Bayes-optimal classifier on the data distribution, where it is known.
    public var bayesAccuracy: Double?
    /// The irreducible mean squared error (the noise variance) of a regression task.
    public var noiseFloor: Double?
    /// The best accuracy a model without hidden layers can reach, where it is bounded (75 % on xor).
    public var linearBound: Double?
    /// The entropy, in nats, of the class priors: the loss of the best constant prediction.
    public var priorEntropy: Double?
    /// The loss of the best prediction from the step alone: at each output step, the best constant
    /// for that step (the step is known, the inputs are not), the papers' memoryless baseline:
    /// 1/6 on `adding` (Le et al. 2015), `K·ln(A)/(T + 2K)` on `copy-memory` (Arjovsky et al.
    /// 2016). Where the output step's own input says nothing about its target (`copy-memory`,
    /// `temporal-order`, `sequence-parity`) no model without memory beats it; on `adding` and
    /// `counting` such a model, reading the last step's input, goes slightly below it, and the
    /// task's facts give that figure too.
    public var memorylessLoss: Double?
    /// Facts in words, e.g. "solvable with one hidden layer of 2 units".
    public var facts: [String]

    /// Creates a known answer; every field is optional.
    public init(
        weights: [String: ShapedArray] = [:], bayesAccuracy: Double? = nil, noiseFloor: Double? = nil,
        linearBound: Double? = nil, priorEntropy: Double? = nil, memorylessLoss: Double? = nil, facts: [String] = []
    ) {
        self.weights = weights
        self.bayesAccuracy = bayesAccuracy
        self.noiseFloor = noiseFloor
        self.linearBound = linearBound
        self.priorEntropy = priorEntropy
        self.memorylessLoss = memorylessLoss
        self.facts = facts
    }
}

/// An architecture, optimizer and training budget that solves a task, and the result it reaches.
public struct ReferenceSolution: Sendable, Hashable {
    /// The architecture in the one-line spec language, e.g. `"dense(8) tanh dense(1)"`.
    public var architecture: String
    /// The optimizer spec, e.g. `"adam(lr: 0.01)"`.
    public var optimizer: String
    /// The number of passes over the training split.
    public var epochs: Int
    /// The number of samples per step.
    public var batchSize: Int
    /// The result a correct implementation reaches.
    public var target: Target

    /// Creates a reference solution.
    public init(architecture: String, optimizer: String, epochs: Int, batchSize: Int, target: Target) {
        self.architecture = architecture
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.target = target
    }
}

/// A metric's value on a split that counts as success: at least `value` for a metric where higher
/// is better, at most `value` otherwise.
public struct Target: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The metric.
    public var metric: Metric
    /// The split it is measured on.
    public var split: SplitName
    /// The bound.
    public var value: Double

    /// Creates a target.
    public init(metric: Metric, split: SplitName, value: Double) {
        self.metric = metric
        self.split = split
        self.value = value
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case metric, split, value
    }

    /// Reads a target strictly: every field present and valid, no other field.
    ///
    /// - Throws: `DecodingError` naming the field: `split: expected one of: train, valid, test, got "dev"`.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let split: SplitName = try fields.oneOf(.split)
        self.init(metric: try fields.oneOf(.metric), split: split, value: try fields.finiteNumber(.value))
    }

    /// Whether `measured` meets the target.
    public func isMet(by measured: Double) -> Bool {
        metric.higherIsBetter ? measured >= value : measured <= value
    }

    /// The target in words, e.g. `"test accuracy >= 0.98"`, the bound to six significant digits
    /// (``Swift/Double/numberText``).
    public var description: String {
        "\(split.rawValue) \(metric.rawValue) \(metric.higherIsBetter ? ">=" : "<=") \(value.numberText)"
    }
}
