import NNBenchDatasets
import NNBenchEngine

/// A suite entry checked and made ready to train: its task generated, its specs parsed, and its
/// architecture resolved against the task, once.
public struct PreparedEntry: Sendable {
    /// The entry, with its specs in canonical form.
    public let entry: SuiteEntry
    /// The task.
    public let task: LearningTask
    /// The architecture.
    public let architecture: ArchitectureSpec
    /// The architecture resolved against the task's inputs and outputs.
    public let resolved: ResolvedArchitecture
    /// The optimizer.
    public let optimizer: OptimizerSpec
    /// The schedule.
    public let schedule: ScheduleSpec
    /// The SHA-256 of the task's data (``LearningTask/fingerprint``).
    public let datasetFingerprint: String
    /// A rough cost of one epoch: training samples × parameters (``costEstimate`` and the shards'
    /// balance, docs/shards.md, multiply it by epochs).
    package let costPerEpoch: Double
    /// The samples of each split, by split name (`train`, `valid`, `test`), as records hold them.
    public var splitSizes: [String: Int] {
        Dictionary(uniqueKeysWithValues: SplitName.allCases.map { ($0.rawValue, task[$0].count) })
    }
    /// A rough cost of one run, to start the longest runs first: epochs × samples × parameters.
    var costEstimate: Double { Double(entry.epochs) * costPerEpoch }

    /// Checks an entry and generates its task.
    ///
    /// - Parameter entry: The entry.
    /// - Throws: ``SuiteError`` naming the entry and the field: an unknown task or parameter, a
    ///   spec that does not parse, an architecture that does not fit the task, or a target whose
    ///   metric the task does not measure.
    public init(_ entry: SuiteEntry) throws(SuiteError) {
        let subject = "entry '\(entry.name)'"
        let generated: LearningTask
        do {
            generated = try TaskCatalogue.definition(named: entry.task).makeTask(entry.parameters, seed: entry.dataSeed)
        } catch {
            throw SuiteError("\(subject): \(error.description)")
        }
        do { architecture = try ArchitectureSpec(parsing: entry.architecture) } catch {
            throw SuiteError("\(subject): invalid architecture: \(error.description)")
        }
        do { optimizer = try OptimizerSpec(parsing: entry.optimizer) } catch {
            throw SuiteError("\(subject): invalid optimizer: \(error.description)")
        }
        do { schedule = try ScheduleSpec(parsing: entry.schedule) } catch {
            throw SuiteError("\(subject): invalid schedule: \(error.description)")
        }
        do { resolved = try architecture.resolve(for: generated) } catch {
            throw SuiteError("\(subject): the architecture does not fit task '\(entry.task)': \(error.description)")
        }
        let metrics: [Metric] = generated.kind.primaryMetric == .accuracy ? [.accuracy] : [.mse, .r2]
        guard metrics.contains(entry.target.metric) else {
            let names = metrics.map(\.rawValue).joined(separator: " or ")
            throw SuiteError("\(subject): target metric '\(entry.target.metric.rawValue)' is not measured on \(generated.kind.name) task '\(entry.task)'; expected \(names)")
        }
        var canonical = entry
        canonical.architecture = architecture.description
        canonical.optimizer = optimizer.description
        canonical.schedule = schedule.description
        self.entry = canonical
        task = generated
        datasetFingerprint = task.fingerprint
        let parameterCount = resolved.layers.reduce(0) { $0 + $1.parameters.reduce(0) { $0 + $1.shape.reduce(1, *) } }
        costPerEpoch = Double(task.train.count) * Double(max(parameterCount, 1))
    }

    /// The same entry run on `seeds` only (one shard's part of it): the task, specs and data are
    /// this entry's, not generated again.
    ///
    /// - Parameter seeds: The seeds, a part of ``SuiteEntry/seeds`` in its order.
    package init(_ prepared: PreparedEntry, seeds: [UInt64]) {
        var entry = prepared.entry
        entry.seeds = seeds
        self.entry = entry
        task = prepared.task
        architecture = prepared.architecture
        resolved = prepared.resolved
        optimizer = prepared.optimizer
        schedule = prepared.schedule
        datasetFingerprint = prepared.datasetFingerprint
        costPerEpoch = prepared.costPerEpoch
    }

    /// The training configuration of one seed: single-threaded, stopping at the entry's target.
    ///
    /// - Parameters:
    ///   - seed: The run's seed.
    ///   - observation: What to measure for reports, if anything (the numbers do not depend on it).
    /// - Returns: The configuration.
    public func configuration(seed: UInt64, observation: TrainingObservation? = nil) -> TrainingConfiguration {
        TrainingConfiguration(
            optimizer: optimizer, schedule: schedule, epochs: entry.epochs, batchSize: entry.batchSize, seed: seed,
            target: entry.target, stopAtTarget: true, threads: 1, observation: observation)
    }
}
