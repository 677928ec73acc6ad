@testable import NNBenchEngine
import NNBenchDatasets

/// Central differences, in Double, of one recurrent layer run alone from a random nonzero initial
/// state, under the loss
///
///     ℓ = Σ_t ⟨A_t, y_t⟩ + ⟨B, h_T⟩ + ⟨C, c_T⟩
///
/// with random `A` (one block per output step), `B` and `C` (an LSTM's cell state): a loss that
/// reads every step's output and the final state. Its analytic gradient is the layer's backward
/// pass given `A` as output gradient and `(B, C)` as final-state gradient; every parameter, input
/// value and initial-state value is compared with `(ℓ(θ + h) − ℓ(θ − h)) / 2h`.
///
/// A case may keep only some steps of `A` (``steps``): `A` nonzero at one step `s` alone checks
/// what that step's output sends back to every earlier step, so that an error in carrying the
/// gradient across steps shows at the step it starts from.
struct RecurrentGradientCheck {
    let network: Network<Double>
    let layer: any Layer<Double>
    let inputs: Tensor<Double>
    let samples: Int
    let steps: Int
    let outputGradient: [Double]
    let finalStateGradient: [[Double]]

    /// The step of central differences. Rounding makes `ℓ` uncertain by about ε·S, with
    /// `S = Σ |terms of ℓ|` ≤ 30 here (measured), so a difference quotient by about
    /// ε·S/h = 1.1e-16·30/1e-5 ≈ 3e-10; the truncation error is h²/6·|ℓ'''| ≈ 2e-11·|ℓ'''|.
    static let step = 1e-5
    /// Gradients smaller than this are compared in absolute terms (at `floor · bound` = 1e-9),
    /// a few times the rounding error above; larger ones relatively.
    static let floor = 1e-3
    /// A correct backward pass stays below 1e-6 relative error: the rounding error is
    /// 3e-10 / 1e-3 = 3e-7 relative at the floor at worst, far less above it. A wrong formula,
    /// gate order or step is off by a factor of order 1.
    static let bound = 1e-6

    /// A layer from `spec` on `samples` sequences of `steps` steps of `features`, its initial
    /// state random, and random `A`, `B`, `C`; with `only`, `A` is zero except at that step (the
    /// last step for a layer that returns only its last step).
    init(_ spec: String, samples: Int = 2, steps: Int = 4, features: Int = 3, seed: UInt64 = 5, only step: Int? = nil) throws {
        network = try NumericalGradient.network(spec, input: [steps, features], outputs: nil, seed: seed)
        layer = network.layers[0]
        layer.computesInputGradient = true
        self.samples = samples
        self.steps = steps
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "test/recurrent"), index: 0)
        inputs = Tensor(shape: [samples, steps, features], scalars: (0..<samples * steps * features).map { _ in stream.normal() })
        let sequence = layer.recurrent!
        let block = samples * sequence.units
        let state = (0..<sequence.stateCount).map { _ in Tensor(shape: [samples, sequence.units], scalars: (0..<block).map { _ in stream.uniform(-1, 1) }) }
        try network.setInitialStates([0: RecurrentState(hidden: state[0], cell: state.count == 2 ? state[1] : nil)])
        let outputSteps = sequence.returnsSequence ? steps : 1
        var gradient = (0..<outputSteps * block).map { _ in stream.normal() }
        if let step {
            // Sample-major [n, steps, units]: keep step `step` only.
            for i in gradient.indices where (i / sequence.units) % outputSteps != (sequence.returnsSequence ? step : 0) { gradient[i] = 0 }
        }
        outputGradient = gradient
        finalStateGradient = step == nil ? (0..<sequence.stateCount).map { _ in (0..<block).map { _ in stream.normal() } } : []
    }

    /// The loss ℓ and the sum of the absolute values of its terms.
    func loss() -> (value: Double, magnitude: Double) {
        let input = Buffer(inputs.scalars)
        let output = layer.forward(Batch(count: samples, shape: Array(inputs.shape.dropFirst()), pointer: input.pointer), training: false)
        var terms = zip(output.tensor.scalars, outputGradient).map(*)
        for (state, gradient) in zip(layer.recurrent!.finalState, finalStateGradient) { terms += zip(state, gradient).map(*) }
        return (terms.reduce(0, +), terms.map(abs).reduce(0, +))
    }

    /// The analytic gradients: every parameter's, the input's and each initial-state part's, by name.
    func analytic() -> [(name: String, values: [Double])] {
        let input = Buffer(inputs.scalars), gradient = Buffer(outputGradient)
        let output = layer.forward(Batch(count: samples, shape: Array(inputs.shape.dropFirst()), pointer: input.pointer), training: false)
        layer.recurrent!.finalStateGradient = finalStateGradient.isEmpty ? nil : finalStateGradient
        defer { layer.recurrent!.finalStateGradient = nil }
        let inputGradient = layer.backward(Batch(count: samples, shape: output.shape, pointer: gradient.pointer)).tensor
        let states = zip(["h0", "c0"], layer.recurrent!.initialStateGradient).map { (name: $0, values: $1) }
        return network.gradients.map { ($0.name, $0.value.scalars) } + [("input", inputGradient.scalars)] + states
    }

    /// The worst relative error of each gradient (by the measure of ``floor``), and where it is:
    /// for the input and the initial state, at which step. `corrupt` may change the analytic
    /// gradients first, to show that the comparison fails.
    func errors(corrupting corrupt: (inout [(name: String, values: [Double])]) -> Void = { _ in }) throws -> [(name: String, error: Double, at: String)] {
        var gradients = analytic()
        corrupt(&gradients)
        return try gradients.map { name, analytic in
            var worst = (name: name, error: 0.0, at: "")
            for i in analytic.indices {
                let numeric = try difference(name, i)
                let error = abs(analytic[i] - numeric) / max(abs(analytic[i]), abs(numeric), Self.floor)
                if error > worst.error { worst = (name, error, place(name, i)) }
            }
            return worst
        }
    }

    /// `(ℓ(v + h) − ℓ(v − h)) / 2h` for value `i` of the parameter, the input or the initial state `name`.
    private func difference(_ name: String, _ i: Int) throws -> Double {
        func evaluate(_ change: Double) throws -> Double {
            switch name {
            case "input":
                var changed = inputs
                changed.scalars[i] += change
                return RecurrentGradientCheck(copying: self, inputs: changed).loss().value
            case "h0", "c0":
                var state = network.initialStates[0]!
                if name == "h0" { state.hidden.scalars[i] += change } else { state.cell!.scalars[i] += change }
                let original = network.initialStates[0]!
                try network.setInitialStates([0: state])
                defer { try! network.setInitialStates([0: original]) }
                return loss().value
            default:
                var value = network.parameters.first { $0.name == name }!.value
                let original = value
                value.scalars[i] += change
                try network.setParameters([name: value])
                defer { try! network.setParameters([name: original]) }
                return loss().value
            }
        }
        return (try evaluate(Self.step) - evaluate(-Self.step)) / (2 * Self.step)
    }

    /// `input[sample, step, feature]` or `h0[sample, unit]` for a flat index.
    private func place(_ name: String, _ i: Int) -> String {
        let features = inputs.shape[2], units = layer.recurrent!.units
        switch name {
        case "input": return "input[\(i / (steps * features)), step \((i / features) % steps), \(i % features)]"
        case "h0", "c0": return "\(name)[\(i / units), \(i % units)]"
        default: return "\(name)[\(i)]"
        }
    }

    private init(copying other: RecurrentGradientCheck, inputs: Tensor<Double>) {
        (network, layer, samples, steps) = (other.network, other.layer, other.samples, other.steps)
        (outputGradient, finalStateGradient) = (other.outputGradient, other.finalStateGradient)
        self.inputs = inputs
    }
}
