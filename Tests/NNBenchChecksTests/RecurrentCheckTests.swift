@testable import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import Testing

/// Checks through time: which step's gradient or output is off, named where the data shows it.
@Suite("recurrent checks")
struct RecurrentCheckTests {
    /// Truncated backpropagation through time on `rnn(6, sequence: false)`: the input gradient of
    /// the last step is right (its output gradient alone reaches it), every earlier step's is not,
    /// and the diagnosis says so.
    @Test func inputGradientNamesTheStepsThatAreOff() {
        let showcase = Showcase.showcase(for: .bpttTruncatedToOneStep)
        let result = showcase.run(precision: .float64, fault: .bpttTruncatedToOneStep, only: ["input-gradient"])[0]
        #expect(result.status == .failed)
        #expect(result.location == .layers([LayerLocation(index: 1, type: "rnn")]))
        #expect(result.diagnosis?.contains("off at steps 0, 1, 2 of 4 (from 0), right at step 3") == true, "\(result.diagnosis ?? "")")
        // The correct engine: no step sentence, no failure.
        #expect(showcase.run(precision: .float64, only: ["input-gradient"])[0].status == .passed)
    }

    /// The first step at which a sequence output leaves the reference's bound, from 0; nothing for
    /// outputs that are not sequences or that agree.
    @Test func referenceNamesTheFirstDifferingStep() {
        let comparison = ReferenceCheck.Comparison(tolerance: 1e-10)
        let expected = Tensor<Double>(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
        var value = expected
        #expect(comparison.firstStep(value, expected) == "")
        value.scalars[11] += 1e-3  // sample 1, step 2
        value.scalars[3] += 1e-3  // sample 0, step 1
        #expect(comparison.firstStep(value, expected) == "; first at step 1 of 3 (from 0)")
        let flat = Tensor<Double>(shape: [2, 6], scalars: expected.scalars)
        #expect(comparison.firstStep(Tensor(shape: [2, 6], scalars: value.scalars), flat) == "")
    }

    /// The init check compares the blocks a spec sets: forget_bias in both biases is caught there
    /// and placed in the initialisation; the correct engine holds the blocks exactly.
    @Test func forgetBiasBlocksAreCompared() {
        let showcase = Showcase.showcase(for: .lstmForgetBiasInBothBiases)
        let wrong = showcase.run(precision: .float32, fault: .lstmForgetBiasInBothBiases, only: ["init"])[0]
        #expect(wrong.status == .failed && wrong.location == .initialisation)
        #expect(wrong.diagnosis?.contains("1.bias_hh") == true && wrong.figure == "1.bias_hh[6] = 1", "\(wrong.figure) \(wrong.diagnosis ?? "")")
        #expect(showcase.run(precision: .float32, only: ["init"])[0].status == .passed)
    }

    /// The GRU's layout bugs are consistent functions: only `reference` sees them, at the GRU,
    /// and names the GRU's own ways of differing first; the correct engine passes.
    @Test(arguments: [Fault.gruResetUpdateGatesSwapped, .gruUpdateGateReversed])
    func gruLayoutBugsAreFoundAtTheGRUWithItsCauses(fault: Fault) {
        let showcase = Showcase.showcase(for: fault)
        #expect(showcase.name == "gru")
        let wrong = showcase.run(precision: .float32, fault: fault, only: ["reference"])[0]
        #expect(wrong.status == .failed && wrong.location == .layers([LayerLocation(index: 1, type: "gru")]), "\(wrong.figure)")
        #expect(wrong.likelyCauses.first == "the gates stacked in another order than PyTorch's r, z, n", "\(wrong.likelyCauses)")
        #expect(wrong.likelyCauses.contains { $0.contains("h_t = z·n + (1 − z)·h_{t−1}") })
        #expect(showcase.run(precision: .float32, only: ["reference"])[0].status == .passed)
    }
}
