import NNBenchChecks
import NNBenchEngine

/// The runs of one suite entry, one per seed, in the entry's seed order.
public struct EntryResult: Sendable {
    /// The entry, in canonical form.
    public let entry: SuiteEntry
    /// The SHA-256 of the task's data.
    public let datasetFingerprint: String
    /// The number of samples of each split, by split name (`train`, `valid`, `test`).
    public let splitSizes: [String: Int]
    /// One record per seed, in the order of ``SuiteEntry/seeds``; empty when the entry could not
    /// be trained.
    public let runs: [TrainingRecord]
    /// Why the entry could not be trained (its first seed's error), or `nil`.
    public let failure: String?
    /// Each run's measurements by the training diagnoses' rules (``TrainingDiagnoses/measure(_:)``),
    /// in the order of ``runs``; empty lists when the runs were not diagnosed.
    public let measurements: [[TrainingMeasurement]]

    /// Each run's diagnoses, in the order of ``runs``.
    public var diagnoses: [[TrainingDiagnosis]] { measurements.map { $0.compactMap(\.diagnosis) } }

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - entry: The entry.
    ///   - datasetFingerprint: The SHA-256 of the task's data.
    ///   - splitSizes: The samples of each split, by split name.
    ///   - runs: One record per seed; empty when `failure` is given.
    ///   - failure: Why the entry could not be trained, or `nil`.
    ///   - measurements: Each run's measurements by the diagnoses' rules, in the order of `runs`; none by default.
    public init(
        entry: SuiteEntry, datasetFingerprint: String, splitSizes: [String: Int], runs: [TrainingRecord], failure: String? = nil,
        measurements: [[TrainingMeasurement]]? = nil
    ) {
        self.entry = entry
        self.datasetFingerprint = datasetFingerprint
        self.splitSizes = splitSizes
        self.runs = failure == nil ? runs : []
        self.failure = failure
        self.measurements = failure == nil ? measurements ?? runs.map { _ in [] } : []
    }
}

/// Something that happened during a suite run, for progress reports.
public enum RunEvent: Sendable {
    /// A run started: the entry's index in the suite and the seed.
    case started(entry: Int, seed: UInt64)
    /// A run finished an epoch.
    case epoch(entry: Int, seed: UInt64, epoch: Int)
    /// A run finished, with its record.
    case finished(entry: Int, seed: UInt64, record: TrainingRecord)
    /// A run could not be trained, and why.
    case failed(entry: Int, seed: UInt64, reason: String)
}
