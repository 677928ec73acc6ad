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

    static let cases: [(String, Precision)] = (Showcase.all + Showcase.recurrent).flatMap { showcase in
        Precision.allCases.map { (showcase.name, $0) }
    }

    @Test(arguments: cases)
    func theCorrectEnginePassesEveryCheck(showcase name: String, precision: Precision) {
        let showcase = (Showcase.all + Showcase.recurrent).first { $0.name == name }!
        for seed in Self.seeds {
            for result in showcase.run(precision: precision, seed: seed) {
                #expect(result.status == .passed || result.status == .skipped, "seed \(seed) \(result.check): \(result.figure) \(result.diagnosis ?? "")")
            }
        }
    }
}

/// The sweep's bookkeeping: a run that checked nothing is never counted as silent.
@Suite("self-test")
struct SelfTestTests {
    @Test("a model that cannot be checked is neither a pass nor a false alarm")
    func uncheckedRuns() {
        let result = SelfTest.run(Array(Showcase.all.prefix(2)), label: "broken", seeds: 2, threads: 2) { _, _ in
            [CheckResult(check: "hello", status: .error, diagnosis: "the program exited")]
        }
        #expect(result.alarms == 0)
        #expect(result.unchecked == [
            "mlp seed 0: hello: the program exited", "mlp seed 1: hello: the program exited",
            "sigmoid seed 0: hello: the program exited", "sigmoid seed 1: hello: the program exited",
        ])
        #expect(!result.comparedAnything)
    }

    @Test("a failure is a false alarm, at the showcase and seed where it happened")
    func alarms() {
        let result = SelfTest.run(Array(Showcase.all.prefix(1)), label: "test", seeds: 3, threads: 2) { _, seed in
            [CheckResult(check: "gradient", status: seed == 1 ? .failed : .passed, figure: "error/bound \(seed)", load: Double(seed) / 2)]
        }
        #expect(result.comparedAnything)
        #expect(result.unchecked.isEmpty)
        let gradient = result.checks.first { $0.check == "gradient" }!
        #expect(gradient.runs == 3)
        #expect(gradient.alarms == ["mlp seed 1: error/bound 1 — "])
        #expect(gradient.worstLoad == 1 && gradient.worstAt == "mlp seed 2")
    }
}

/// A model without Adam (an SGD-only program) is trained with SGD by the training checks, and the
/// correct engine passes them so too.
@Suite("models without adam")
struct SGDOnlyTests {
    static let cases: [(String, Precision)] = Showcase.all.flatMap { showcase in Precision.allCases.map { (showcase.name, $0) } }

    @Test(arguments: cases)
    func theCorrectEnginePassesWithSGDOnly(showcase name: String, precision: Precision) {
        let showcase = Showcase.all.first { $0.name == name }!
        for seed in NoFalseAlarmTests.seeds {
            let model: any CheckableModel = precision == .float32
                ? EngineModel<Float>(optimizers: ["sgd"]) : EngineModel<Double>(optimizers: ["sgd"])
            for result in showcase.run(on: model, seed: seed, only: ["reference", "health", "overfit", "update"]) {
                #expect(result.status == .passed || result.status == .skipped, "seed \(seed) \(result.check): \(result.figure) \(result.diagnosis ?? "")")
                if result.check == "overfit" || result.check == "health" {
                    #expect(result.status == .passed, "\(result.check) \(result.diagnosis ?? "")")
                    #expect(result.notes.first?.hasPrefix("trained with sgd(") == true, "\(result.notes)")
                }
            }
        }
    }
}
