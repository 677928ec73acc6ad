import NNBenchEngine
import NNBenchHarness

extension BaselineRecord {
    /// How a list of runs fails to be this record's runs.
    public enum RunsMismatch: Sendable, Equatable {
        /// Their seeds or numbers differ from the record's, in the baseline format's bytes.
        case numbers
        /// This run was trained otherwise than the record's entry says (task, architecture,
        /// optimizer or batch size).
        case training(TrainingRecord)
    }

    /// Why `runs` are not this record's runs, or `nil` when they are: the record's seeds in its
    /// order, each run's numbers giving the record's bytes in the baseline format (NaN included,
    /// which `==` would refuse), and each run trained as the record's entry says.
    ///
    /// `nnbench report` reads an observation file beside its record, and `nnbench merge` each
    /// shard's, through this one test: a file the merge accepts, the report reads.
    public func mismatch(runs: [TrainingRecord]) -> RunsMismatch? {
        let observed = BaselineRecord(
            entry: entry, datasetSHA256: datasetSHA256, splitSizes: splitSizes, engine: engine, platform: platform,
            seeds: runs.map(SeedResult.init))
        guard BaselineFile.encode(observed) == BaselineFile.encode(self) else { return .numbers }
        let stray = runs.first {
            $0.task != entry.task || $0.architecture != entry.architecture || $0.optimizer != entry.optimizer || $0.batchSize != entry.batchSize
        }
        return stray.map(RunsMismatch.training)
    }
}
