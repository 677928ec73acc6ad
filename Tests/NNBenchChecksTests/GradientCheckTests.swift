import Foundation
@testable import NNBenchChecks
import Testing
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// The gradient check's parts: the derivative probe's bound (noise, truncation, kinks), the noise
/// estimate, the common-factor fit, and the directional (fast) mode.
@Suite("gradient check")
struct GradientCheckTests {
    static let float64 = Tolerances(precision: .float64)
    static let float32 = Tolerances(precision: .float32)

    static func evaluation(_ value: Double, _ step: Double, _ pattern: KinkPattern? = nil) -> DerivativeProbe.Evaluation {
        DerivativeProbe.Evaluation(value: value, step: step, pattern: pattern)
    }

    @Test func aKinkAtThePointIsSkippedNotFailed() throws {
        // relu at 0: the central difference is 1/2, the one-sided ones 0 and 1, the analytic 0.
        var probe = DerivativeProbe(tolerances: Self.float64, base: 0, noise: 0)
        let result = try probe.compare(0, scale: 1) { step, _ throws(ModelError) in Self.evaluation(max(step, 0), step) }
        #expect(result == nil && probe.kinks == 1)
    }

    @Test func aKinkWithinTheStepIsSkippedNotFailed() throws {
        // relu with its kink 0.7 steps to the right: the central difference at h sees it, at h/2 not.
        let kink = 0.7 * Self.float64.step
        var probe = DerivativeProbe(tolerances: Self.float64, base: 0, noise: 0)
        let result = try probe.compare(0, scale: 1) { step, _ throws(ModelError) in Self.evaluation(max(step - kink, 0), step) }
        #expect(result == nil && probe.kinks == 1)
    }

    @Test func aKinkPatternShortensTheStepPastTheKink() throws {
        // f(t) = t + max(t − k, 0) with its kink k = 0.05 steps away: the segments ±h and ±h/10
        // cross it (D(h) ≈ 1.5 against the derivative 1), ±h/100 does not, and there the
        // derivative is measured exactly.
        let kink = 0.05 * Self.float32.step
        let layer = try ArchitectureSpec(parsing: "relu").resolve(inputShape: [1], outputWidth: nil).layers[0]
        var probe = DerivativeProbe(tolerances: Self.float32, base: 0, noise: 0)
        let result = try probe.compare(1, scale: 1) { step, pattern throws(ModelError) in
            let input = Tensor<Double>(shape: [1, 1], scalars: [step - kink])
            return Self.evaluation(step + max(step - kink, 0), step, pattern ? KinkPattern(layer: layer, input: input, output: input) : nil)
        }
        let comparison = try #require(result)
        #expect(abs(comparison.numerical - 1) < 1e-12 && comparison.load < 1e-9 && probe.kinks == 0)
    }

    @Test func aWrongDerivativeAwayFromKinksFails() throws {
        // x² at 1 has derivative 2; an analytic 3 is 1 off against a bound of 1e-6·(3 + 3).
        var probe = DerivativeProbe(tolerances: Self.float64, base: 1, noise: 0)
        let result = try #require(try probe.compare(3, scale: 3) { step, _ throws(ModelError) in Self.evaluation((1 + step) * (1 + step), step) })
        #expect(abs(result.load - 1 / (Self.float64.relative * 6)) < 1 && probe.kinks == 0)
    }

    @Test func theTruncationIsExtrapolatedAway() throws {
        // e^(50t) at 0, derivative 50, in float32's step h = 1e-2: D(h) = sinh(50h)/h is 2.1 above
        // it (14 times the bound ρ·(50 + 52) + ρ·50 ≈ 0.15); Richardson's (4·D(h/2) − D(h))/3
        // leaves O(h⁴), 0.03, within it.
        var probe = DerivativeProbe(tolerances: Self.float32, base: 1, noise: 0)
        let result = try #require(try probe.compare(50, scale: 50) { step, _ throws(ModelError) in Self.evaluation(exp(50 * step), step) })
        #expect(probe.load(50, sinh(0.5) / 0.01, scale: 50, halfStep: 0.01, noiseFactor: 3) > 10)
        #expect(result.load < 0.5 && abs(result.numerical - 50) < 0.05)
    }

    @Test func noiseBelowTheBoundPassesAndAboveItIsMeasured() throws {
        // A function whose values carry ±1e-7 of noise: the noise estimate finds it, and the bound's
        // 3σ/h term covers it.
        // Seeded, so that the test gives the same verdict on every run.
        var stream = RandomStream(key: 0, index: 0)
        let noisy = { (t: Double) in 0.5 * t + stream.uniform(-1e-7, 1e-7) }
        let sigma = try NoiseEstimate.sigma(step: 1e-3, precision: .float64) { t throws(ModelError) in noisy(t) }
        // Uniform noise on ±1e-7 has σ = 1e-7/√3 ≈ 5.8e-8; nine points estimate it within a factor 2.
        #expect(sigma > 2e-8 && sigma < 2e-7)
        var probe = DerivativeProbe(tolerances: Self.float32, base: 0, noise: sigma)
        let result = try #require(try probe.compare(0.5, scale: 0.5) { step, _ throws(ModelError) in Self.evaluation(noisy(step), step) })
        #expect(result.load < 1)
    }

    @Test func theNoiseIsAtLeastOneUlpOfTheValue() throws {
        // A float32 function that moves by less than an ulp between the points: every difference
        // is 0, yet a derivative's longer step meets its rounding. The floor is one ulp of 0.68
        // in float32 (5.96e-8); in float64 the same values give one float64 ulp (1.1e-16).
        let flat = { (t: Double) in Double(Float(0.68 + 1e-10 * t)) }
        let float32 = try NoiseEstimate.sigma(step: 1e-3, precision: .float32) { t throws(ModelError) in flat(t) }
        #expect(float32 == Double(Float(0.68).ulp))
        let float64 = try NoiseEstimate.sigma(step: 1e-3, precision: .float64) { t throws(ModelError) in flat(t) }
        #expect(float64 == Double(Float(0.68)).ulp)
    }

    @Test func theFloorCountsTheRoundedTermsOfTheLoss() throws {
        // A loss over every step of a sequence averages many rounded terms: 1920 of them (4
        // samples × 30 steps × 16 units) round to 0.29·√1920 = 12.7 ulp together, not 1.
        let flat = { (t: Double) in Double(Float(0.68 + 1e-10 * t)) }
        let ulp = Double(Float(0.68).ulp)
        let sequence = try NoiseEstimate.sigma(step: 1e-3, precision: .float32, terms: 1920) { t throws(ModelError) in flat(t) }
        #expect(abs(sequence / ulp - 0.29 * 1920.0.squareRoot()) < 1e-9)
        // A few terms keep the 1-ulp floor.
        let few = try NoiseEstimate.sigma(step: 1e-3, precision: .float32, terms: 4) { t throws(ModelError) in flat(t) }
        #expect(few == ulp)
    }

    @Test func aCommonFactorIsFoundAndAScatterIsNot() {
        var shared = ScaleFit()
        for n in [0.1, -0.3, 0.02, 0.5] { shared.add(analytic: -n, numerical: n, load: 10) }
        #expect(shared.commonScale == -1)
        var scattered = ScaleFit()
        for (a, n) in [(0.2, 0.1), (-0.3, -0.3), (0.0, 0.5)] { scattered.add(analytic: a, numerical: n, load: 10) }
        #expect(scattered.commonScale == nil)
        var passing = ScaleFit()
        passing.add(analytic: 2, numerical: 1, load: 0.5)
        #expect(passing.commonScale == nil)
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
