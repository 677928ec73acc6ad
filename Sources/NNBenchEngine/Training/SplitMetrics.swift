import NNBenchDatasets
import NNBenchIO

/// A model's loss and metrics on one split.
///
/// A diverged run's loss is NaN or infinite. Every NaN is stored as `Double.nan`, and two metrics
/// are equal when their values are equal bit for bit, so that a NaN equals itself: a record read
/// back from a baseline equals the record written, and exact comparisons hold for diverged runs.
public struct SplitMetrics: Sendable, Hashable, Codable {
    /// The mean loss over the split.
    public var loss: Double
    /// The fraction of samples classified right (classification tasks).
    public var accuracy: Double?
    /// The mean squared error (regression tasks; equal to the loss).
    public var mse: Double?
    /// The coefficient of determination, `1 − MSE / variance of the targets` (regression tasks).
    public var r2: Double?

    /// Creates metrics.
    public init(loss: Double, accuracy: Double? = nil, mse: Double? = nil, r2: Double? = nil) {
        func canonical(_ value: Double) -> Double { value.isNaN ? .nan : value }
        self.loss = canonical(loss)
        self.accuracy = accuracy.map(canonical)
        self.mse = mse.map(canonical)
        self.r2 = r2.map(canonical)
    }

    /// Whether the values are the same, bit for bit.
    public static func == (lhs: SplitMetrics, rhs: SplitMetrics) -> Bool {
        lhs.bitPatterns == rhs.bitPatterns
    }

    /// Hashes the values' bits, as ``==`` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bitPatterns)
    }

    private var bitPatterns: [UInt64?] {
        [loss.bitPattern, accuracy?.bitPattern, mse?.bitPattern, r2?.bitPattern]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case loss, accuracy, mse, r2
    }

    /// Reads metrics strictly: the loss, the metrics that apply, no other field.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            loss: try fields.decode(Double.self, forKey: .loss), accuracy: try fields.decodeIfPresent(Double.self, forKey: .accuracy),
            mse: try fields.decodeIfPresent(Double.self, forKey: .mse), r2: try fields.decodeIfPresent(Double.self, forKey: .r2))
    }

    /// The value of `metric`, or `nil` when it does not apply to the task.
    public func value(of metric: Metric) -> Double? {
        switch metric {
        case .accuracy: return accuracy
        case .mse: return mse
        case .r2: return r2
        }
    }
}

/// The metrics of one epoch, after its last step (epoch 0: before training).
public struct EpochRecord: Sendable, Hashable, Codable {
    /// The epoch, from 1; 0 is the untrained network.
    public var epoch: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Metrics on the training split, in evaluation mode.
    public var train: SplitMetrics
    /// Metrics on the validation split.
    public var validation: SplitMetrics
    /// Metrics on the test split.
    public var test: SplitMetrics
    /// Each parameter tensor's weight and gradient norms and update ratio, in protocol order.
    public var parameters: [ParameterStatistics]
    /// Each activation layer's outputs on the training split, when the run was observed
    /// (``TrainingConfiguration/observation``).
    public var activations: [ActivationStatistics]?

    /// Creates an epoch record.
    public init(
        epoch: Int, learningRate: Double, train: SplitMetrics, validation: SplitMetrics, test: SplitMetrics,
        parameters: [ParameterStatistics] = [], activations: [ActivationStatistics]? = nil
    ) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.train = train
        self.validation = validation
        self.test = test
        self.parameters = parameters
        self.activations = activations
    }

    /// The metrics of the named split.
    public subscript(split: SplitName) -> SplitMetrics {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }
}
