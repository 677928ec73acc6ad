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
        // After a deliberate engine change, the comparison says whether any number moved.
        #expect(comparison.details.contains("every seed's curve and outcome are identical to the baseline's, bit for bit"))
        current.seeds[2].curve[1].test.loss = current.seeds[2].curve[1].test.loss.nextUp
        current.seeds[2].final = current.seeds[2].curve.last!
        #expect(!BaselineComparison.compare(current, with: baseline).details.contains { $0.hasPrefix("every seed's curve") })
    }

    /// Seeds the baseline does not hold have no curve to match: the entry is compared
    /// statistically and says which seeds, while the seeds both hold still count bit for bit.
    @Test func seedsWithoutABaselineCurveAreNotCalledExact() throws {
        let baseline = try Self.record(seeds: [0, 1])
        var current = try Self.record(seeds: [0, 1, 2])
        let comparison = BaselineComparison.compare(current, with: baseline)
        #expect(comparison.mode == .statistical && comparison.verdict == .pass)
        #expect(comparison.details.first == "statistical comparison: seed 2 has no baseline curve (the baseline holds 0, 1); the seeds both hold are compared bit for bit", "\(comparison.details)")
        current.seeds[1].curve[2].train.loss = current.seeds[1].curve[2].train.loss.nextUp
        current.seeds[1].final = current.seeds[1].curve.last!
        #expect(BaselineComparison.compare(current, with: baseline).verdict == .changed)
        // A subset of the baseline's seeds stays exact.
        #expect(BaselineComparison.compare(try Self.record(seeds: [1]), with: baseline).mode == .exact)
    }

    @Test func zeroSpreadIsFlooredAtTheRoundingOfAnEpoch() throws {
        // Every baseline seed met the target at epoch 4: the spread is floored at q/√12 for a
        // quantum q of one epoch, so with n = m = 5 seeds the tolerance is
        // t(0.99, 4) · (1/√12) · √(1/5 + 1/5) = 3.7469473879791959 · 0.28867513459481292 ·
        // 0.63245553203367588 = 0.68409586872708905 epochs (t from SciPy, ``StudentTTests``; the
        // product's rounding, a few ulp, is far inside the quantile's tolerance).
        let test = OneSidedTest(baseline: [4, 4, 4, 4, 4], currentCount: 5, quantum: 1)
        #expect(abs(test.tolerance - 0.68409586872708905) <= StudentTTests.tolerance * 0.68409586872708905)

        // Mean epochs move in steps of 1/5: three seeds one epoch later (+0.6) are within the
        // tolerance, four (+0.8) are not, nor a whole epoch.
        var baseline = try Self.record(seeds: [0, 1, 2, 3, 4])
        for index in baseline.seeds.indices { baseline.seeds[index].epochsToTarget = 4 }
        func comparison(seedsLater later: Int) -> EntryComparison {
            var current = baseline
            current.engine.fingerprint = String(repeating: "0", count: 64)
            for index in 0..<later { current.seeds[index].epochsToTarget = 5 }
            return BaselineComparison.compare(current, with: baseline)
        }
        for (later, verdict) in [(0, Verdict.pass), (3, .pass), (4, .regressed), (5, .regressed)] {
            let result = comparison(seedsLater: later)
            #expect(result.metrics.first { $0.name == "epochs to target" }?.verdict == verdict, "\(later) seeds later")
            #expect(result.verdict == verdict, "\(later) seeds later: \(result.details)")
        }
    }

    @Test func withoutABaselineAResultIsNew() throws {
        #expect(BaselineComparison.compare(try Self.record(), with: nil).verdict == .new)
    }
}
