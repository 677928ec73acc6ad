import NNBenchHarness
import NNBenchIO

/// Which shard runs each (entry, seed) pair of a run split into shards, balanced by cost.
///
/// A pair's cost is the epochs it is expected to train times its entry's cost of an epoch
/// (training samples × parameters, ``PreparedEntry/costPerEpoch``). The epochs are those the
/// baseline recorded for that seed (its curve's length: a run stops at its target), when the
/// baselines folder holds a record of the entry trained alike with that seed; otherwise the
/// entry's epoch budget. Pairs are dealt longest first, each to the shard with the least cost so
/// far (the lowest-numbered one on a tie), ties between pairs broken by suite order, then seed
/// order: the plan depends on the entries, the shard count and the baselines only, never on
/// timing or threads, so every shard computes the same plan on its own.
public struct ShardPlan: Sendable {
    /// One pair: a seed of an entry, its shard and its cost.
    public struct Pair: Sendable, Hashable {
        /// The seed.
        public let seed: UInt64
        /// The shard that runs it, in `1...count`.
        public let shard: Int
        /// Its cost, in samples × parameters × epochs.
        public let cost: Double
    }

    /// The number of shards.
    public let count: Int
    /// The entries' names, in suite order.
    public let names: [String]
    /// For each entry, its pairs in its seed order.
    public let pairs: [[Pair]]

    /// Plans `entries` over `count` shards.
    ///
    /// - Parameters:
    ///   - entries: The prepared entries, in suite order.
    ///   - count: The number of shards, at least 1.
    ///   - baselines: Where the recorded epochs of each seed are looked up; a missing or
    ///     unreadable baseline leaves the epoch budget as the cost.
    public init(entries: [PreparedEntry], count: Int, baselines: BaselineStore) {
        precondition(count >= 1, "at least one shard")
        self.count = count
        names = entries.map(\.entry.name)
        var costs: [[Double]] = []
        for prepared in entries {
            let record = baselines.record(of: prepared.entry.name).flatMap { record -> BaselineRecord? in
                var recorded = record.entry, planned = prepared.entry
                (recorded.seeds, planned.seeds) = ([], [])
                return recorded.trainsLike(planned) && record.datasetSHA256 == prepared.datasetFingerprint ? record : nil
            }
            costs.append(prepared.entry.seeds.map { seed in
                let epochs = record?.seeds.first { $0.seed == seed }.map { $0.curve.count - 1 } ?? prepared.entry.epochs
                return Double(max(epochs, 1)) * prepared.costPerEpoch
            })
        }
        let order = costs.indices.flatMap { entry in costs[entry].indices.map { (entry: entry, seed: $0) } }
            .sorted { a, b in
                let (x, y) = (costs[a.entry][a.seed], costs[b.entry][b.seed])
                return x != y ? x > y : (a.entry, a.seed) < (b.entry, b.seed)
            }
        var loads = [Double](repeating: 0, count: count)
        var shards = costs.map { $0.map { _ in 0 } }
        for pair in order {
            // The least loaded shard, the first of equals.
            var best = 0
            for shard in loads.indices where loads[shard] < loads[best] { best = shard }
            loads[best] += costs[pair.entry][pair.seed]
            shards[pair.entry][pair.seed] = best + 1
        }
        pairs = entries.indices.map { entry in
            entries[entry].entry.seeds.indices.map { Pair(seed: entries[entry].entry.seeds[$0], shard: shards[entry][$0], cost: costs[entry][$0]) }
        }
    }

    /// The number of (entry, seed) pairs.
    public var pairCount: Int { pairs.reduce(0) { $0 + $1.count } }

    /// The seeds of entry `entry` (its index) that `shard` runs, in the entry's seed order.
    public func seeds(of entry: Int, in shard: Int) -> [UInt64] {
        pairs[entry].filter { $0.shard == shard }.map(\.seed)
    }

    /// The cost a shard carries, and the whole run's.
    public func cost(of shard: Int? = nil) -> Double {
        pairs.joined().filter { shard == nil || $0.shard == shard }.reduce(0) { $0 + $1.cost }
    }

    /// The SHA-256 of the plan, one line `ENTRY SEED SHARD` per pair in suite and seed order: two
    /// shards with the same digest split the same pairs the same way.
    public var sha256: String {
        Self.digest(count: count, zip(names, pairs).flatMap { name, entryPairs in entryPairs.map { (name, $0.seed, $0.shard) } })
    }

    /// The SHA-256 of `shards COUNT` and one line `ENTRY SEED SHARD` per assignment, in order:
    /// ``sha256`` of a plan, and what `nnbench merge` recomputes from the shards' manifests.
    static func digest(count: Int, _ assignments: [(entry: String, seed: UInt64, shard: Int)]) -> String {
        var text = "shards \(count)\n"
        for (entry, seed, shard) in assignments { text += "\(entry) \(seed) \(shard)\n" }
        return HexDigest.sha256(Array(text.utf8))
    }
}
