import ArgumentParser
import Foundation
import NNBench

/// `nnbench run … --shard i/n`: one part of a run split across machines (docs/shards.md).
extension RunCommand {
    /// The plan of the selection's pairs over the shards.
    ///
    /// - Throws: Exit 64 when there are more shards than pairs: a shard would run nothing, and a
    ///   run that compared nothing is not a pass.
    static func plan(_ entries: [PreparedEntry], shard: Shard, baselines: BaselineStore) throws -> ShardPlan {
        let plan = ShardPlan(entries: entries, count: shard.count, baselines: baselines)
        try ShardOption.check(shard, runs: plan.pairCount, of: "(entry, seed) pair")
        return plan
    }

    /// `shard 2/3: 35 of 105 runs, 33.4 % of the cost`.
    static func shardLine(_ plan: ShardPlan, shard: Shard) -> String {
        let runs = plan.pairs.joined().filter { $0.shard == shard.index }.count
        let share = String(format: "%.1f", 100 * plan.cost(of: shard.index) / plan.cost())
        return "shard \(shard): \(runs) of \(plan.pairCount) runs, \(share) % of the cost; the comparison over every seed is 'nnbench merge''s"
    }

    /// A shard's seeds of an entry compared alone with the entry's baseline.
    static func compareSeeds(_ record: BaselineRecord, in store: BaselineStore) -> EntryComparison {
        switch store.lookup(record.entry.name) {
        case .found(let baseline): BaselineComparison.compareSeedsOnly(record, with: baseline)
        case .missing: BaselineComparison.compareSeedsOnly(record, with: nil)
        case .unreadable(let error): .unreadable(record.entry.name, error: error)
        }
    }
}
