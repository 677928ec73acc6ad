import NNBenchChecks
import Testing

/// `check --self-test --shard i/n`: the shards split the sweep's runs.
@Suite("self-test shards")
struct SelfTestShardTests {
    @Test(arguments: [1, 2, 3, 7])
    func theShardsHoldEveryRunOnceAndAboutAlike(_ count: Int) {
        let showcases = Showcase.all
        let all = SelfTest.runs(showcases, seeds: 4).map { "\($0.0.name) \($0.1)" }
        let shards = (1...count).map { index in SelfTest.runs(showcases, seeds: 4, shard: (index, count)).map { "\($0.0.name) \($0.1)" } }
        #expect(shards.joined().sorted() == all.sorted() && Set(all).count == all.count)
        // Striped: the shards' sizes differ by at most one run, and so do each showcase's runs in them.
        #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1)
        for showcase in showcases {
            let counts = shards.map { $0.filter { $0.hasPrefix("\(showcase.name) ") }.count }
            #expect(counts.max()! - counts.min()! <= 1, "\(showcase.name)")
        }
    }
}
