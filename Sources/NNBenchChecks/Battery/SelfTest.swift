import Dispatch
import Foundation
import NNBenchEngine
import NNBenchModel

/// The battery on the correct engine over many seeds and architectures: every failure is a false
/// alarm, and each check's worst load (its figure as a fraction of its bound) is its margin's
/// complement. `nnbench check --self-test` runs it; `docs/checks.md` keeps the full sweep's table.
public enum SelfTest {
    /// One check's record over the sweep.
    public struct CheckRecord: Sendable, Codable {
        /// The check's name.
        public let check: String
        /// The runs in which it passed or failed (not skipped).
        public var runs = 0
        /// Its false alarms: `showcase seed N: figure — diagnosis`.
        public var alarms: [String] = []
        /// The largest load of a passing or failing run, and where.
        public var worstLoad: Double?
        public var worstAt = ""
    }

    /// The sweep's outcome, check by check in the battery's order.
    public struct Result: Sendable, Codable {
        /// What was checked: the engine's precision, or a program.
        public let precision: String
        public let seeds: Int
        public let showcases: [String]
        public var checks: [CheckRecord]
        /// The runs in which the model could not be checked at all (it did not say hello or
        /// refused to build): `showcase seed N: diagnosis`. Not false alarms, but not a pass either.
        public var unchecked: [String] = []
        /// The (showcase, seed) runs made: `showcases.count × seeds`, or a shard's part of them.
        public var runCount: Int

        /// The number of false alarms.
        public var alarms: Int { checks.reduce(0) { $0 + $1.alarms.count } }
        /// Whether any check ran at all.
        public var comparedAnything: Bool { checks.contains { $0.runs > 0 } }
    }

    /// Runs every showcase for seeds `0..<seeds` on the correct engine, on `threads` threads (the
    /// result does not depend on them: each run is collected in its place).
    ///
    /// - Parameter shard: Run only shard `index` of `count` (from 1) of the (showcase, seed) runs,
    ///   or all of them (``runs(_:seeds:shard:)``).
    public static func run(_ showcases: [Showcase], precision: Precision, seeds: Int, threads: Int, shard: (index: Int, count: Int)? = nil) -> Result {
        run(showcases, label: precision.rawValue, seeds: seeds, threads: threads, shard: shard) { showcase, seed in
            showcase.run(precision: precision, seed: seed)
        }
    }

    /// Runs every showcase for seeds `0..<seeds` with `check`, which runs the battery on a fresh
    /// model of its own (a program over the protocol, say), on `threads` threads.
    ///
    /// - Parameters:
    ///   - label: What the model is, for the report (its precision, a command).
    ///   - shard: Run only shard `index` of `count` (from 1) of the (showcase, seed) runs, or all
    ///     of them (``runs(_:seeds:shard:)``).
    public static func run(
        _ showcases: [Showcase], label: String, seeds: Int, threads: Int, shard: (index: Int, count: Int)? = nil,
        check: @Sendable (Showcase, UInt64) -> [CheckResult]
    ) -> Result {
        let jobs = runs(showcases, seeds: seeds, shard: shard)
        let slots = ResultSlots(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, Swift.min(threads, jobs.count))) { worker in
            var index = worker
            while index < jobs.count {
                let (showcase, seed) = jobs[index]
                slots.store(index, check(showcase, seed))
                index += Swift.max(1, Swift.min(threads, jobs.count))
            }
        }
        var records = CheckBattery.names.map { CheckRecord(check: $0) }
        var unchecked: [String] = []
        for (index, (showcase, seed)) in jobs.enumerated() {
            for result in slots.results[index] {
                guard let slot = records.firstIndex(where: { $0.check == result.check }) else {
                    unchecked.append("\(showcase.name) seed \(seed): \(result.check): \(result.diagnosis ?? result.figure)")
                    continue
                }
                if result.status == .passed || result.status == .failed { records[slot].runs += 1 }
                if result.status == .failed || result.status == .error {
                    records[slot].alarms.append("\(showcase.name) seed \(seed): \(result.figure) — \(result.diagnosis ?? "")")
                }
                if let load = result.load, load > (records[slot].worstLoad ?? -1) {
                    records[slot].worstLoad = load
                    records[slot].worstAt = "\(showcase.name) seed \(seed)"
                }
            }
        }
        return Result(precision: label, seeds: seeds, showcases: showcases.map(\.name), checks: records, unchecked: unchecked, runCount: jobs.count)
    }

    /// The (showcase, seed) runs of a sweep, showcase by showcase and seed by seed, or one shard's
    /// part of them: every `count`-th run from the `index`-th. Striped so, each shard holds every
    /// showcase's seeds but for at most one, and the seeds of one showcase cost about alike: the
    /// shards' costs differ by at most one run of each showcase.
    ///
    /// - Parameters:
    ///   - showcases: The showcases.
    ///   - seeds: Seeds `0..<seeds` of each.
    ///   - shard: The shard, `1 <= index <= count`, or `nil` for every run.
    public static func runs(_ showcases: [Showcase], seeds: Int, shard: (index: Int, count: Int)? = nil) -> [(Showcase, UInt64)] {
        let all = showcases.flatMap { showcase in (0..<UInt64(seeds)).map { (showcase, $0) } }
        guard let shard else { return all }
        return all.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element)
    }

    /// Each job's results, written by the worker that ran it.
    private final class ResultSlots: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var results: [[CheckResult]]

        init(count: Int) { results = Array(repeating: [], count: count) }

        func store(_ index: Int, _ value: [CheckResult]) { lock.withLock { results[index] = value } }
    }
}
