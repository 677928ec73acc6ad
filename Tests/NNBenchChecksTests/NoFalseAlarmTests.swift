import NNBenchChecks
import Testing
import NNBenchModel

/// No check fails on the correct engine, on any showcase, in Float and in Double.
@Suite("no false alarms")
struct NoFalseAlarmTests {
    /// 20 seeds in optimized builds; a debug build runs every check about ten times slower, so it
    /// tries three, which keeps the suite within a minute. `.ci/run` covers the 20 seeds in both
    /// precisions with the release binary: `nnbench check --self-test --seeds 20`, which runs
    /// these same showcases.
    #if DEBUG
    static let seeds: [UInt64] = [0, 1, 2]
    #else
    static let seeds: [UInt64] = Array(0..<20)
    #endif

    static let cases: [(String, Precision)] = Showcase.all.flatMap { showcase in Precision.allCases.map { (showcase.name, $0) } }

    @Test(arguments: cases)
    func theCorrectEnginePassesEveryCheck(showcase name: String, precision: Precision) {
        let showcase = Showcase.all.first { $0.name == name }!
        for seed in Self.seeds {
            for result in showcase.run(precision: precision, seed: seed) {
                #expect(result.status == .passed || result.status == .skipped, "seed \(seed) \(result.check): \(result.figure) \(result.diagnosis ?? "")")
            }
        }
    }
}
