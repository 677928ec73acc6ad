import NNBenchEngine
import NNBenchHarness

extension BaselineRecord {
    /// How a list of runs fails to be this record's runs.
    public enum RunsMismatch: Sendable, Equatable {
        /// Their seeds or numbers differ from the record's, in the baseline format's bytes.
        case numbers
        /// A run's setup differs from the one the entry gives its runs: `field` (`parameters`,
        /// `schedule`, ...) holds `found`, where the entry gives `expected`.
        case setup(seed: UInt64, field: String, found: String, expected: String)
    }

    /// Why `runs` are not this record's runs, or `nil` when they are: the record's seeds in its
    /// order, each run's numbers giving the record's bytes in the baseline format (NaN included,
    /// which `==` would refuse), and each run set up as `prepared`, the record's entry prepared by
    /// this nnbench, sets up its runs (``TrainingRecord/setup(task:resolved:configuration:)``:
    /// task, parameters, data seed, architecture, optimizer, schedule, batch size, target).
    ///
    /// `nnbench report` reads an observation file beside its record, and `nnbench merge` each
    /// shard's, through this one test: a file the merge accepts, the report reads. What only an
    /// observation holds (weight snapshots, histograms) cannot be checked without training again.
    public func mismatch(runs: [TrainingRecord], prepared: PreparedEntry) -> RunsMismatch? {
        let observed = BaselineRecord(
            entry: entry, datasetSHA256: datasetSHA256, splitSizes: splitSizes, engine: engine, platform: platform,
            seeds: runs.map(SeedResult.init))
        guard BaselineFile.encode(observed) == BaselineFile.encode(self) else { return .numbers }
        let expected = TrainingRecord.setup(task: prepared.task, resolved: prepared.resolved, configuration: prepared.configuration(seed: 0))
        for run in runs {
            if let (field, found, wanted) = run.setup.firstDifference(from: expected) {
                return .setup(seed: run.seed, field: field, found: found, expected: wanted)
            }
        }
        return nil
    }
}
