import Foundation
import NNBenchBaselines
import NNBenchDatasets
import NNBenchHarness
import NNBenchIO
import Testing

/// The plan of a run's (entry, seed) pairs over shards, and a shard's per-seed verdicts.
@Suite("shard plan")
struct ShardPlanTests {
    static func entry(_ name: String, architecture: String, epochs: Int, seeds: [UInt64]) throws -> PreparedEntry {
        try PreparedEntry(SuiteEntry(
            name: name, task: "xor", architecture: architecture, optimizer: "adam(lr: 0.05)", batchSize: 4, epochs: epochs,
            seeds: seeds, target: Target(metric: .accuracy, split: .train, value: 1)))
    }

    static func entries() throws -> [PreparedEntry] {
        [try entry("small", architecture: "dense(4) tanh dense(1)", epochs: 60, seeds: Array(0..<5)),
         try entry("wide", architecture: "dense(32) tanh dense(1)", epochs: 300, seeds: Array(0..<3)),
         try entry("linear", architecture: "dense(1)", epochs: 10, seeds: [7, 8])]
    }

    static let noBaselines = BaselineStore(directory: "/nonexistent-baselines")

    @Test func shardsAreReadAsIOverN() {
        #expect(Shard(parsing: "2/3") == Shard(index: 2, count: 3) && Shard(parsing: "1/1") == Shard(index: 1, count: 1))
        for text in ["0/3", "4/3", "1/0", "a/b", "1/3/4", "", "/3", "2/", "+1/3", "-1/3", " 1/3", "1/100001", "١/٣"] {
            #expect(Shard(parsing: text) == nil, "\(text)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 10])
    func everyPairIsInOneShardAndTheLoadsAreBalanced(_ count: Int) throws {
        let entries = try Self.entries()
        let plan = ShardPlan(entries: entries, count: count, baselines: Self.noBaselines)
        #expect(plan.pairCount == 10)
        for (index, prepared) in entries.enumerated() {
            // The shards' seeds of an entry are its seeds, each once, in its order.
            let seeds = (1...count).flatMap { plan.seeds(of: index, in: $0) }
            #expect(seeds.sorted() == prepared.entry.seeds)
            // Without a baseline, a pair costs its entry's epoch budget × samples × parameters.
            #expect(plan.pairs[index].allSatisfy { $0.cost == Double(prepared.entry.epochs) * prepared.costPerEpoch })
        }
        // Greedy list scheduling, longest first: no shard exceeds the mean by more than the
        // costliest pair (Graham 1969), since the last pair a shard takes found it the least loaded.
        let largest = plan.pairs.joined().map(\.cost).max()!
        for shard in 1...count {
            #expect(plan.cost(of: shard) <= plan.cost() / Double(count) + largest)
        }
        #expect(abs((1...count).reduce(0) { $0 + plan.cost(of: $1) } - plan.cost()) <= 1e-9 * plan.cost())
        // The same inputs give the same plan; another count another one.
        #expect(ShardPlan(entries: entries, count: count, baselines: Self.noBaselines).sha256 == plan.sha256)
        #expect(ShardPlan(entries: entries, count: count + 1, baselines: Self.noBaselines).sha256 != plan.sha256)
    }

    @Test func aBaselinesRecordedEpochsAreThePairsCost() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-plan-\(UUID().uuidString)").path
        try RunRecordWriter.createDirectory(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let entries = try Self.entries()
        let record = BaselineRecord(SuiteRunner.run([entries[0]], jobs: 2)[0])
        try BaselineFile.write(record, to: folder)
        let plan = ShardPlan(entries: entries, count: 2, baselines: BaselineStore(directory: folder))
        for (pair, seed) in zip(plan.pairs[0], record.seeds) {
            #expect(pair.cost == Double(max(seed.curve.count - 1, 1)) * entries[0].costPerEpoch)
        }
        #expect(plan.pairs[0].map(\.cost) != plan.pairs[0].map { _ in 60 * entries[0].costPerEpoch })
    }

    @Test func aShardsVerdictIsEachSeedsAlone() throws {
        let entries = try Self.entries()
        let baseline = BaselineRecord(SuiteRunner.run([entries[0]], jobs: 2)[0])
        let part = BaselineRecord(SuiteRunner.run([PreparedEntry(entries[0], seeds: [1, 3])], jobs: 2)[0])
        let same = BaselineComparison.compareSeedsOnly(part, with: baseline)
        #expect(same.verdict == .pass && same.mode == .exact && same.metrics.isEmpty && same.targetStatus == "met 2/2")
        var changed = part
        changed.seeds[1].curve[1].train.loss = changed.seeds[1].curve[1].train.loss.nextUp
        changed.seeds[1].final = changed.seeds[1].curve.last!
        let comparison = BaselineComparison.compareSeedsOnly(changed, with: baseline)
        #expect(comparison.verdict == .changed && comparison.details.contains { $0.hasPrefix("exact mode: seed 3 differs at epoch 1, train loss: ") })
        #expect(BaselineComparison.compareSeedsOnly(part, with: nil).verdict == .new)
    }
}
