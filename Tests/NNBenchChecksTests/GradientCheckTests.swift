@testable import NNBenchChecks
import Testing
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// The gradient check's parts: kinks told apart from errors, and the directional (fast) mode.
@Suite("gradient check")
struct GradientCheckTests {
    static let tolerances = Tolerances(precision: .float64)

    @Test func aKinkAtThePointIsSkippedNotFailed() throws {
        // relu at 0: the central difference is 1/2, the one-sided ones 0 and 1, the analytic 0.
        var probe = DifferenceProbe(baseLoss: 0, tolerances: Self.tolerances)
        let result = try probe.compare(0, evaluate: { step throws(ModelError) in (max(step, 0), step) })
        #expect(result == nil && probe.kinks == 1)
    }

    @Test func aKinkWithinTheStepIsSkippedNotFailed() throws {
        // relu with its kink 0.7 steps to the right: the central difference at h sees it, at h/2 not.
        let kink = 0.7 * Self.tolerances.step
        var probe = DifferenceProbe(baseLoss: 0, tolerances: Self.tolerances)
        let result = try probe.compare(0, evaluate: { step throws(ModelError) in (max(step - kink, 0), step) })
        #expect(result == nil && probe.kinks == 1)
    }

    @Test func aWrongDerivativeAwayFromKinksFails() throws {
        // x² at 1 has derivative 2; an analytic 3 is 1/3 off and not a kink.
        var probe = DifferenceProbe(baseLoss: 1, tolerances: Self.tolerances)
        let result = try probe.compare(3, evaluate: { step throws(ModelError) in ((1 + step) * (1 + step), step) })
        #expect(abs(try #require(result).error - 1.0 / 3) < 1e-6 && probe.kinks == 0)
    }

    @Test(arguments: [nil, Fault.denseMissingBiasGradient])
    func theDirectionalModeCatchesWhatTheEntryModeCatches(fault: Fault?) throws {
        let showcase = Showcase.all.first { $0.name == "mlp" }!
        let model = EngineModel<Double>(fault: fault)
        let context = CheckContext(
            model: model, info: try model.hello(),
            modelSpec: ModelSpec(inputShape: [4], architecture: try ArchitectureSpec(parsing: showcase.architecture)),
            task: showcase.makeTask(), seed: 0)
        let directional = try GradientCheck(directionalAbove: 0).run(context)
        #expect(directional.status == (fault == nil ? .passed : .failed))
        #expect(directional.notes.first?.hasPrefix("8 directions") == true)
    }
}
