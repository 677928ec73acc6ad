import NNBench

/// `--shard i/n` of `run` and `check --self-test` (docs/shards.md).
enum ShardOption {
    /// Reads `--shard`, before any work.
    ///
    /// - Throws: Exit 64 for anything but `i/n` with `1 <= i <= n <= 100000`.
    static func parse(_ text: String) throws -> Shard {
        guard let shard = Shard(parsing: text) else {
            throw failure("invalid --shard '\(text)'; expected i/n with 1 <= i <= n <= \(Shard.largestCount), e.g. 2/3", status: ExitStatus.usage)
        }
        return shard
    }

    /// Refuses more shards than runs: a shard would run nothing, and a run that compared nothing
    /// is not a pass.
    ///
    /// - Throws: Exit 64 naming both counts.
    static func check(_ shard: Shard, runs: Int, of what: String) throws {
        guard shard.count > runs else { return }
        throw failure("invalid --shard '\(shard)': \(shard.count) shards for \(runs) \(what)\(runs == 1 ? "" : "s"); expected at most \(runs) shard\(runs == 1 ? "" : "s")", status: ExitStatus.usage)
    }
}
