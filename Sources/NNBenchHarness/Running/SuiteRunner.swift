import Dispatch
import Foundation
import NNBenchDatasets
import NNBenchChecks
import NNBenchEngine

/// Trains every (entry, seed) run of a suite on a pool of threads.
///
/// Each run is independent and single-threaded inside (its matrix products use one thread), and
/// its result goes to a slot fixed by the entry and seed, so the results are the same, bit for
/// bit, whatever the number of jobs and whichever run finishes first. Runs start longest first
/// (by ``PreparedEntry``'s cost estimate) so that one long run does not end up alone at the end.
///
/// A run that cannot be trained (``TrainingRun/init(task:resolved:configuration:)`` refuses its
/// batches) fails its own entry, with the reason; the other entries still run.
public enum SuiteRunner {
    /// Runs every seed of every entry.
    ///
    /// - Parameters:
    ///   - entries: The prepared entries.
    ///   - jobs: The number of runs at a time, at least 1.
    ///   - observation: What every run measures for reports beyond its metrics, if anything; the
    ///     numbers do not depend on it.
    ///   - diagnoses: Whether to diagnose every run (``TrainingDiagnoses``): without an
    ///     observation, each run then measures its unit statistics and keeps its weights at its two
    ///     ends alone (``TrainingObservation/unitStatistics``), which its record leaves out again.
    ///   - onEvent: Called for every start, epoch and end of a run, one call at a time (from the
    ///     worker threads, under a lock); keep it short.
    /// - Returns: One result per entry, in the order of `entries`; an entry whose runs could not be
    ///   trained has no runs and its first seed's reason (``EntryResult/failure``).
    public static func run(
        _ entries: [PreparedEntry], jobs: Int, observation: TrainingObservation? = nil, diagnoses: Bool = true,
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) -> [EntryResult] {
        let measured = observation ?? (diagnoses ? TrainingObservation(measures: false, unitStatistics: true) : nil)
        precondition(jobs >= 1, "jobs must be at least 1")
        let work = entries.indices.flatMap { entry in entries[entry].entry.seeds.indices.map { (entry: entry, seed: $0) } }
            .sorted { entries[$0.entry].costEstimate > entries[$1.entry].costEstimate }
        let state = SharedState(work: work, entries: entries.map { $0.entry.seeds.map { _ in nil } }, onEvent: onEvent)
        let group = DispatchGroup()
        for _ in 0..<min(jobs, max(work.count, 1)) {
            group.enter()
            let thread = Thread {
                while let job = state.next() {
                    let prepared = entries[job.entry]
                    let seed = prepared.entry.seeds[job.seed]
                    state.report(.started(entry: job.entry, seed: seed))
                    do throws(SpecError) {
                        let run = try TrainingRun<Float>(
                            task: prepared.task, resolved: prepared.resolved,
                            configuration: prepared.configuration(seed: seed, observation: measured))
                        let record = run.run { state.report(.epoch(entry: job.entry, seed: seed, epoch: $0.epoch)) }
                        let found = diagnoses ? TrainingDiagnoses.measure(record) : []
                        state.finish(job, seed: seed, with: .success(Diagnosed(record: observation == nil ? record.withoutObservations : record, measurements: found)))
                    } catch {
                        state.finish(job, seed: seed, with: .failure(error))
                    }
                }
                group.leave()
            }
            // Training allocates on the heap; the default stack of a secondary thread is enough,
            // but a larger one costs nothing and leaves room for deep architectures.
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        return entries.indices.map { index in
            let outcomes = state.outcomes(of: index)
            let failure = outcomes.lazy.compactMap { outcome -> String? in
                if case .failure(let error) = outcome { error.description } else { nil }
            }.first
            let runs = outcomes.compactMap { try? $0.get() }
            return EntryResult(
                entry: entries[index].entry, datasetFingerprint: entries[index].datasetFingerprint,
                splitSizes: entries[index].splitSizes,
                runs: runs.map(\.record), failure: failure, measurements: runs.map(\.measurements))
        }
    }

    /// A run's record and its measurements by the diagnoses' rules.
    private struct Diagnosed {
        let record: TrainingRecord
        let measurements: [TrainingMeasurement]
    }

    /// The queue of runs and the results, shared by the workers under one lock.
    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private let work: [(entry: Int, seed: Int)]
        private var nextIndex = 0
        private var results: [[Result<Diagnosed, SpecError>?]]
        private let onEvent: @Sendable (RunEvent) -> Void

        init(work: [(entry: Int, seed: Int)], entries: [[Result<Diagnosed, SpecError>?]], onEvent: @escaping @Sendable (RunEvent) -> Void) {
            self.work = work
            self.results = entries
            self.onEvent = onEvent
        }

        func next() -> (entry: Int, seed: Int)? {
            lock.withLock {
                guard nextIndex < work.count else { return nil }
                defer { nextIndex += 1 }
                return work[nextIndex]
            }
        }

        func report(_ event: RunEvent) {
            lock.withLock { onEvent(event) }
        }

        func finish(_ job: (entry: Int, seed: Int), seed: UInt64, with result: Result<Diagnosed, SpecError>) {
            lock.withLock {
                results[job.entry][job.seed] = result
                switch result {
                case .success(let run): onEvent(.finished(entry: job.entry, seed: seed, record: run.record))
                case .failure(let error): onEvent(.failed(entry: job.entry, seed: seed, reason: error.description))
                }
            }
        }

        /// Every seed's result, in seed order; called once every worker has finished.
        func outcomes(of entry: Int) -> [Result<Diagnosed, SpecError>] {
            lock.withLock { results[entry].compactMap { $0 } }
        }
    }
}
