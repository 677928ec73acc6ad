import NNBenchDatasets

extension TrainingRecord {
    /// How a run was set up: everything it records but its seed and results. The runs of one
    /// suite entry share it, so a file that claims to hold them can be checked field by field.
    public struct Setup: Sendable, Hashable {
        /// The task's name.
        public var task: String
        /// The task's parameters, as text.
        public var parameters: [String: String]
        /// The seed of the task's data.
        public var dataSeed: UInt64
        /// The architecture, in canonical spec form.
        public var architecture: String
        /// The optimizer, in canonical spec form.
        public var optimizer: String
        /// The learning-rate schedule.
        public var schedule: String
        /// Samples per step.
        public var batchSize: Int
        /// The target, e.g. `test accuracy >= 0.98`.
        public var target: String

        /// The first field in which `self` differs from `expected`, as `(name, self's, expected's)`
        /// texts, or `nil` when they are equal.
        public func firstDifference(from expected: Setup) -> (field: String, found: String, expected: String)? {
            func text(_ parameters: [String: String]) -> String {
                parameters.isEmpty ? "none" : parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            }
            let fields: [(String, String, String)] = [
                ("task", task, expected.task), ("parameters", text(parameters), text(expected.parameters)),
                ("data seed", "\(dataSeed)", "\(expected.dataSeed)"), ("architecture", architecture, expected.architecture),
                ("optimizer", optimizer, expected.optimizer), ("schedule", schedule, expected.schedule),
                ("batch size", "\(batchSize)", "\(expected.batchSize)"), ("target", target, expected.target),
            ]
            return fields.first { $0.1 != $0.2 }.map { (field: $0.0, found: $0.1, expected: $0.2) }
        }
    }

    /// This run's setup.
    public var setup: Setup {
        Setup(
            task: task, parameters: parameters, dataSeed: dataSeed, architecture: architecture, optimizer: optimizer,
            schedule: schedule, batchSize: batchSize, target: target)
    }

    /// The setup a run of `task` with `resolved` and `configuration` records: ``TrainingRun``
    /// writes it, and a reader checks a file's runs against it.
    ///
    /// - Parameters:
    ///   - task: The task.
    ///   - resolved: The architecture, resolved for the task.
    ///   - configuration: The run's configuration (its seed does not enter the setup).
    public static func setup(task: LearningTask, resolved: ResolvedArchitecture, configuration: TrainingConfiguration) -> Setup {
        Setup(
            task: task.name, parameters: Dictionary(uniqueKeysWithValues: task.parameters.map { ($0.name, $0.value.description) }),
            dataSeed: task.seed, architecture: resolved.architecture.description, optimizer: configuration.optimizer.description,
            schedule: configuration.schedule.description, batchSize: configuration.batchSize,
            target: (configuration.target ?? task.reference.target).description)
    }
}
