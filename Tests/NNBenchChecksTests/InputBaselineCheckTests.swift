@testable import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import Testing

/// The input-independent baseline: where it applies, what it computes, and that it tells a
/// training step that learns from its inputs from one that does not.
@Suite("input-baseline check")
struct InputBaselineCheckTests {
    static let regression = Showcase.showcase(for: .trainingInputsOneBatchLate)

    @Test func appliesOnlyWhereTheKnownAnswerBeatsChance() throws {
        // memorize's and random-labels' labels are independent of the inputs.
        #expect(InputBaselineCheck.chanceReason(try Generators.memorize())?.contains("no known Bayes accuracy") == true)
        #expect(InputBaselineCheck.chanceReason(try Generators.randomLabels())?.contains("does not beat") == true)
        #expect(InputBaselineCheck.chanceReason(try Generators.blobs()) == nil)
        #expect(InputBaselineCheck.chanceReason(try Generators.linear()) == nil)
        // copy-memory's inputs determine every target (Bayes accuracy 1); it was skipped before.
        #expect(InputBaselineCheck.chanceReason(try Generators.copyMemory()) == nil)
        let result = Showcase.all[0].run(precision: .float64, only: ["input-baseline"])
        #expect(result.map(\.status) == [.skipped], "\(result)")
    }

    /// With a class per step, a sample's score is the share of its steps right: 2 samples of 3
    /// steps are 2 scores, not 6 (one sequence's steps are not independent draws); one class per
    /// sample keeps one score each.
    @Test func perStepClassesScoreOncePerSample() {
        let targets = Tensor<Double>(shape: [2, 3], scalars: [0, 1, 1, 2, 2, 0])
        var logits = [Double](repeating: 0, count: 18)
        for (i, predicted) in [0, 1, 0, 2, 2, 2].enumerated() { logits[3 * i + predicted] = 1 }  // right: 2 of 3, then 2 of 3
        let scores = InputBaselineCheck.scores(Tensor(shape: [2, 3, 3], scalars: logits), targets: targets, regression: false)
        #expect(scores == [2.0 / 3, 2.0 / 3])
        #expect(InputBaselineCheck.perSample([1, 0, 1], samples: 3) == [1, 0, 1])
    }

    /// `D` and `s/√n` of the paired differences against the better baseline, by hand: real
    /// [1, 1, 0, 1], zeroed [0, 1, 0, 0] (the constant [0, 0, 0, 0] scores lower): d = [1, 0, 0, 1],
    /// D = 0.5, s² = 1/3, SE = √(1/12).
    @Test func gainIsThePairedMeanAndItsStandardError() {
        let gain = InputBaselineCheck.Gain(real: [1, 1, 0, 1], zeroed: [0, 1, 0, 0], constant: [0, 0, 0, 0])
        #expect(gain.mean == 0.5)
        #expect(Swift.abs(gain.standardError - (1.0 / 12).squareRoot()) < 1e-15)
        #expect(!gain.passes)  // 0.5 < 3 × 0.289
        #expect(Swift.abs(gain.load! - 3 * (1.0 / 12).squareRoot() / 0.5) < 1e-14)
        // The constant, when it scores higher, is the baseline.
        #expect(InputBaselineCheck.Gain(real: [1, 1, 1, 1], zeroed: [0, 0, 0, 0], constant: [1, 1, 0, 1]).mean == 0.25)
    }

    @Test func everyEpochVisitsEverySampleOnceInANewOrder() throws {
        let split = try Generators.linear(sizes: SplitSizes(train: 48, validation: 1, test: 1), inputs: 2).train
        let batches = InputBaselineCheck.batches(split, seed: 0)
        #expect(batches.count == InputBaselineCheck.steps)
        let rows = { (range: Range<Int>) in range.flatMap { batches[$0].inputs.scalars } }
        let all = (0..<split.count).flatMap { Array(split.input($0)) }
        #expect(rows(0..<3).sorted() == all.sorted())
        #expect(rows(3..<6).sorted() == all.sorted())
        #expect(rows(0..<3) != rows(3..<6))
        #expect(InputBaselineCheck.batches(split, seed: 0).map(\.targets) == batches.map(\.targets))
    }

    @Test(arguments: Precision.allCases)
    func passesTheCorrectEngineAndCatchesTrainingOnOtherInputs(precision: Precision) {
        let correct = Self.regression.run(precision: precision, only: ["input-baseline"])
        #expect(correct.map(\.status) == [.passed], "\(correct)")
        #expect((correct.first?.load ?? 1) <= 0.5, "\(correct)")
        for fault in [Fault.trainingInputsZeroed, .trainingInputsOneBatchLate] {
            let result = Self.regression.run(precision: precision, fault: fault, only: ["input-baseline"])
            #expect(result.map(\.status) == [.failed], "\(fault): \(result)")
            #expect(result.first?.location == .data, "\(fault)")
        }
    }

    /// A bug the other checks cannot see: each of their training steps repeats one batch, on which
    /// inputs one batch late are the batch's own.
    @Test func inputsOneBatchLateFailOnlyThisCheck() {
        let failed = Self.regression.run(precision: .float64, fault: .trainingInputsOneBatchLate).filter { $0.status == .failed }.map(\.check)
        #expect(failed == ["input-baseline"])
    }
}
