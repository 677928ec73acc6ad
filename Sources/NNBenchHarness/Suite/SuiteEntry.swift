import NNBenchDatasets

/// One benchmark of a suite: a task instance, an architecture, how it is trained, on which seeds,
/// and the target it is expected to meet (or, for a deliberately too small model, to miss).
public struct SuiteEntry: Sendable, Hashable, Codable {
    /// The name, unique in its suite; also the baseline's file name (`Baselines/NAME.json.gz`).
    public var name: String
    /// The catalogue task, e.g. `"xor"`.
    public var task: String
    /// Task parameters as text, by name (`{"classes": "5"}`); the others keep their defaults.
    public var parameters: [String: String]
    /// The seed of the task's data.
    public var dataSeed: UInt64
    /// The architecture, in canonical spec form.
    public var architecture: String
    /// The optimizer with its hyperparameters, in canonical spec form.
    public var optimizer: String
    /// The learning-rate schedule, in canonical spec form.
    public var schedule: String
    /// Samples per step.
    public var batchSize: Int
    /// The most passes over the training split; a run stops at the first epoch that meets the target.
    public var epochs: Int
    /// The seeds of the runs (initial weights, shuffling, dropout), one run each.
    public var seeds: [UInt64]
    /// The result that counts as success.
    public var target: Target
    /// Whether the entry is meant to meet its target or, as a lesson about capacity, to miss it.
    public var expectation: Expectation
    /// Why the entry is there, in one line.
    public var note: String

    /// Whether an entry is meant to meet or to miss its target.
    public enum Expectation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every seed meets the target; a seed that does not is a failure.
        case meet
        /// The model is too small to meet the target; the harness reports the miss as expected.
        case miss
    }

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - name: The entry's name.
    ///   - task: The catalogue task.
    ///   - parameters: Task parameters as text.
    ///   - dataSeed: The seed of the task's data.
    ///   - architecture: The architecture spec.
    ///   - optimizer: The optimizer spec.
    ///   - schedule: The schedule spec.
    ///   - batchSize: Samples per step.
    ///   - epochs: The most passes over the training split.
    ///   - seeds: The seeds of the runs.
    ///   - target: The target.
    ///   - expectation: Whether the target is to be met.
    ///   - note: Why the entry is there.
    public init(
        name: String, task: String, parameters: [String: String] = [:], dataSeed: UInt64 = 0, architecture: String,
        optimizer: String, schedule: String = "constant", batchSize: Int, epochs: Int, seeds: [UInt64],
        target: Target, expectation: Expectation = .meet, note: String = ""
    ) {
        self.name = name
        self.task = task
        self.parameters = parameters
        self.dataSeed = dataSeed
        self.architecture = architecture
        self.optimizer = optimizer
        self.schedule = schedule
        self.batchSize = batchSize
        self.epochs = epochs
        self.seeds = seeds
        self.target = target
        self.expectation = expectation
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case name, task, parameters, architecture, optimizer, schedule, epochs, seeds, target, note
        case dataSeed = "data_seed"
        case batchSize = "batch_size"
        case expectation = "expect"
    }

    /// Whether two entries train the same runs: everything but the note.
    ///
    /// - Parameter other: Another entry.
    /// - Returns: `true` when only the notes differ.
    public func trainsLike(_ other: SuiteEntry) -> Bool {
        var this = self, that = other
        this.note = ""
        that.note = ""
        return this == that
    }
}
