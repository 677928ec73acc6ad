import Foundation
@testable import NNBenchEngine
import Testing

/// The workers that compute a split product's blocks: every block once, whoever calls, however
/// often, while the workers spin, after they sleep, and with callers at once (the second runs
/// through libdispatch).
@Suite("GEMM workers")
struct GEMMWorkersTests {
    /// Runs `jobs` jobs of 1…`maxCount` blocks and checks each block ran exactly once.
    static func runJobs(_ jobs: Int, maxCount: Int, seed: Int) -> Bool {
        var generator = seed
        for _ in 0..<jobs {
            generator = (generator &* 1_103_515_245 &+ 12345) & 0x7fff_ffff
            let count = 1 + generator % maxCount
            let hits = Hits(count)
            GEMMWorkers.shared.run(count) { index in hits.add(index) }
            guard hits.counts == [Int](repeating: 1, count: count) else { return false }
        }
        return true
    }

    @Test func everyBlockRunsOnceInJobAfterJob() {
        #expect(Self.runJobs(20_000, maxCount: 8, seed: 1))
    }

    @Test func workersThatFellAsleepWakeForTheNextJob() throws {
        #expect(Self.runJobs(10, maxCount: 4, seed: 2))
        // Well past the spin: the workers sleep on the condition.
        Thread.sleep(forTimeInterval: 0.05)
        #expect(Self.runJobs(10, maxCount: 4, seed: 3))
    }

    @Test func callersAtOnceEachGetEveryBlockOnce() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for seed in 0..<4 { group.addTask { Self.runJobs(2_000, maxCount: 6, seed: 10 + seed) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == [true, true, true, true])
    }
}

/// How often each block ran.
private final class Hits: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(_ count: Int) { values = [Int](repeating: 0, count: count) }
    func add(_ index: Int) { lock.withLock { values[index] += 1 } }
    var counts: [Int] { lock.withLock { values } }
}
