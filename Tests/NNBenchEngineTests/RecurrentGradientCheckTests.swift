@testable import NNBenchEngine
import NNBenchDatasets
import Testing

/// The recurrent layers' backpropagation through time against central differences in Double
/// (``RecurrentGradientCheck``: bounds and their derivation there), from a random nonzero initial
/// state, with PyTorch's nonzero initial biases, under a loss that reads every step's output and
/// the final state; and each step's output alone, so that what a step sends back is checked at
/// every earlier step.
@Suite("Gradient checks through time")
struct RecurrentGradientCheckTests {
    static let layers = [
        "rnn(4)", "rnn(4, nonlinearity: relu)", "lstm(4)", "gru(4)",
        "rnn(3, sequence: false)", "lstm(3, sequence: false)", "gru(3, sequence: false)",
        "rnn(3, bias: false)", "lstm(3, bias: false)", "gru(3, bias: false)", "lstm(3, forget_bias: 1)",
    ]

    @Test(arguments: layers)
    func everyStepAndTheFinalState(spec: String) throws {
        let check = try RecurrentGradientCheck(spec)
        #expect(check.loss().magnitude < 30, "the bound assumes Σ|terms| < 30")
        // The forget block of bias_hh starts at 0 by design where forget_bias is set.
        for (name, value) in check.network.parameters where name.contains("bias") && !spec.contains("forget_bias") {
            #expect(!value.scalars.contains(0), "\(name) starts at nonzero values")
        }
        for result in try check.errors() {
            #expect(result.error < RecurrentGradientCheck.bound, "\(spec): \(result.name) worst at \(result.at): \(result.error)")
        }
    }

    @Test(arguments: ["rnn(4)", "rnn(4, nonlinearity: relu)", "lstm(4)", "gru(4)"])
    func eachStepAlone(spec: String) throws {
        for step in 0..<4 {
            let check = try RecurrentGradientCheck(spec, only: step)
            for result in try check.errors() {
                #expect(result.error < RecurrentGradientCheck.bound, "\(spec), loss at step \(step): \(result.name) worst at \(result.at): \(result.error)")
            }
        }
    }

    /// The check can fail, and says where: the input gradient of the loss at the last step with
    /// the hidden state's gradient not carried back (zero at every earlier step) is caught at an
    /// earlier step, by a factor of order 1.
    @Test func aGradientNotCarriedBackIsCaughtAtItsStep() throws {
        let check = try RecurrentGradientCheck("lstm(4)", only: 3)
        let errors = try check.errors { gradients in
            let index = gradients.firstIndex { $0.name == "input" }!
            // [n = 2, steps = 4, features = 3]: zero every step but the last.
            for i in gradients[index].values.indices where (i / 3) % 4 != 3 { gradients[index].values[i] = 0 }
        }
        let input = try #require(errors.first { $0.name == "input" })
        #expect(input.error > 0.5 && !input.at.contains("step 3"), "worst at \(input.at): \(input.error)")
    }

    /// `timeStepGradientNorms[t]` is the norm of the whole gradient reaching `h_t`: the same
    /// gradient comes out, as an initial-state gradient, of the layer run on the steps after `t`
    /// from the state at `t`, plus what the output at `t` sends. Both are the engine's own
    /// arithmetic in another order, so they agree to rounding (1e-12 relative).
    @Test(arguments: ["rnn(4)", "lstm(4)", "gru(4)"])
    func theNormsPerStepAreTheGradientsReachingEachHiddenState(spec: String) throws {
        let check = try RecurrentGradientCheck(spec, steps: 5)
        _ = check.analytic()
        let sequence = check.layer.recurrent!
        let norms = sequence.stepGradientNorms
        let block = check.samples * sequence.units, units = sequence.units, features = check.inputs.shape[2]
        #expect(norms.count == 5)
        for t in 0..<5 {
            // d ℓ / d h_t = A_t + (d ℓ / d h_t through the steps after t); for t = 4 the latter is B.
            var reaching = (0..<block).map { i in check.outputGradient[(i / units * 5 + t) * units + i % units] }
            if t == 4 {
                reaching = zip(reaching, check.finalStateGradient[0]).map(+)
            } else {
                let rest = try NumericalGradient.network(spec, input: [4 - t, features], outputs: nil, seed: 1)
                try rest.setParameters(Dictionary(uniqueKeysWithValues: check.network.parameters.map { ($0.name, $0.value) }))
                let state = (0..<sequence.stateCount).map { part in
                    Tensor(shape: [check.samples, units], scalars: Array((part == 0 ? sequence.hidden : sequence.cells).array[(t + 1) * block..<(t + 2) * block]))
                }
                try rest.setInitialStates([0: RecurrentState(hidden: state[0], cell: state.count == 2 ? state[1] : nil)])
                let layer = rest.layers[0]
                let inputs = Buffer(Self.steps(after: t, of: check.inputs.scalars, samples: check.samples, width: features))
                let output = layer.forward(Batch(count: check.samples, shape: [4 - t, features], pointer: inputs.pointer), training: false)
                let later = Buffer(Self.steps(after: t, of: check.outputGradient, samples: check.samples, width: units))
                layer.recurrent!.finalStateGradient = check.finalStateGradient
                _ = layer.backward(Batch(count: check.samples, shape: output.shape, pointer: later.pointer))
                reaching = zip(reaching, layer.recurrent!.initialStateGradient[0]).map(+)
            }
            let expected = reaching.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(norms[t] - expected) <= 1e-12 * expected, "step \(t): \(norms[t]) against \(expected)")
        }
    }

    /// The steps after `t` of `samples` sequences of 5 steps of `width` values, sample-major.
    static func steps(after t: Int, of values: [Double], samples: Int, width: Int) -> [Double] {
        var kept: [Double] = []
        for s in 0..<samples {
            let start = (s * 5 + t + 1) * width, end = (s + 1) * 5 * width
            kept += values[start..<end]
        }
        return kept
    }
}
