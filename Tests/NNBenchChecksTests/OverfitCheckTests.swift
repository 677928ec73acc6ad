import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import Testing

/// `overfit` where the architecture cannot fit (a linear model on xor): the model is held to half
/// the reference engine's gain, which a correct engine reaches and a training loop that does not
/// train misses (docs/checks.md, "Overfitting one batch").
@Suite("overfit check")
struct OverfitCheckTests {
    static func overfit(_ fault: Fault?) throws -> CheckResult {
        let results = CheckBattery.run(
            model: EngineModel<Float>(fault: fault), architecture: try ArchitectureSpec(parsing: "dense(1)"),
            task: try TaskDefinition.xor.makeTask(), seed: 0, only: ["overfit"])
        return try #require(results.first)
    }

    @Test func aLinearModelOnXorIsHeldToHalfTheReferencesGain() throws {
        let correct = try Self.overfit(nil)
        #expect(correct.status == .passed && correct.bound.contains("½ the reference's gain"), "\(correct)")
        // Updates not applied: the loss stays at its start (0.776 against a bound of 0.735).
        let broken = try Self.overfit(.updatesNotApplied)
        #expect(broken.status == .failed && broken.bound.contains("½ the reference's gain"), "\(broken)")
        #expect(broken.diagnosis?.contains("less than half the gain of the reference engine") ?? false, "\(broken.diagnosis ?? "")")
    }
}
