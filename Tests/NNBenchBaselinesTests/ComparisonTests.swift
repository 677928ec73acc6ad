import NNBenchBaselines
import Testing
import NNBenchDatasets
import NNBenchHarness

/// The comparison: exact mode catches any change, the statistical mode a worse mean.
@Suite("baseline comparison")
struct ComparisonTests {
    static func record(optimizer: String = "adam(lr: 0.05)", seeds: [UInt64] = [0, 1, 2]) throws -> BaselineRecord {
        let entry = SuiteEntry(
            name: "xor", task: "xor", architecture: "dense(4) tanh dense(1)", optimizer: optimizer, batchSize: 4, epochs: 60,
            seeds: seeds, target: Target(metric: .accuracy, split: .train, value: 1))
        return BaselineRecord(SuiteRunner.run([try PreparedEntry(entry)], jobs: 2)[0])
    }

    @Test func anUnchangedRunPassesExactly() throws {
        let baseline = try Self.record()
        let comparison = BaselineComparison.compare(try Self.record(), with: baseline)
        #expect(comparison.mode == .exact && comparison.verdict == .pass)
    }

    @Test func exactModeNamesTheFirstDifferingEpochAndMetric() throws {
        let baseline = try Self.record()
        var current = baseline
        current.seeds[1].curve[2].train.loss = current.seeds[1].curve[2].train.loss.nextUp
        current.seeds[1].final = current.seeds[1].curve.last!
        let comparison = BaselineComparison.compare(current, with: baseline)
        #expect(comparison.verdict == .changed)
        #expect(comparison.details.contains { $0.hasPrefix("exact mode: seed 1 differs at epoch 2, train loss: ") })
    }

    @Test func aWorseOptimizerIsARegression() throws {
        let seeds: [UInt64] = [0, 1, 2, 3, 4]
        let baseline = try Self.record(seeds: seeds)
        let comparison = BaselineComparison.compare(try Self.record(optimizer: "adam(lr: 1e-05)", seeds: seeds), with: baseline)
        #expect(comparison.mode == .statistical)
        #expect(comparison.verdict == .missedTarget)
        #expect(comparison.metrics.contains { $0.name == "train accuracy" && $0.verdict == .regressed })
    }

    @Test func anotherEngineIsComparedStatistically() throws {
        let baseline = try Self.record()
        var current = baseline
        current.engine.fingerprint = String(repeating: "0", count: 64)
        let comparison = BaselineComparison.compare(current, with: baseline)
        #expect(comparison.mode == .statistical && comparison.verdict == .pass)
        #expect(comparison.details.first?.contains("the engine fingerprint differs") == true)
    }

    @Test func zeroSpreadStillHasATolerance() {
        // Every baseline seed met the target at epoch 4: one epoch more on average is within
        // the floor (q/√12), two is not.
        let test = OneSidedTest(baseline: [4, 4, 4, 4, 4], currentCount: 5, quantum: 1)
        #expect(test.tolerance > 0.2 && test.tolerance < 1)
        #expect(BaselineComparison.compare(try! Self.record(), with: nil).verdict == .new)
    }
}
