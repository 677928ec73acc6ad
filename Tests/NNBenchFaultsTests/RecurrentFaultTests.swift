import NNBenchDatasets
@testable import NNBenchEngine
@testable import NNBenchFaults
import Testing

/// The recurrent layers' faults: each changes exactly what it is about. The faulty passes
/// recompute the layer's gates from its kept states with the engine's own kernels, so where the
/// fault has nothing to act on (a single step: nothing to carry back through time) they must give
/// the engine's numbers bit for bit, which shows the recomputation is the engine's arithmetic.
@Suite("recurrent faults")
struct RecurrentFaultTests {
    /// Three samples of `steps` steps of 2 features, all distinct.
    static func inputs(steps: Int) -> Tensor<Double> {
        Tensor(shape: [3, steps, 2], scalars: (0..<6 * steps).map { Double($0 * 7 % 11) / 5 - 1 })
    }

    /// The engine's network and the same with `fault`, on `spec` over `steps` steps with mse on
    /// every step's two outputs.
    static func networks(_ spec: String, steps: Int, fault: Fault) -> (engine: Network<Double>, faulty: Network<Double>) {
        let architecture = try! ArchitectureSpec(parsing: spec).resolve(inputShape: [steps, 2], outputWidth: nil)
        return (Network(architecture, loss: .mse, seed: 5), Network(architecture, loss: .mse, seed: 5, fault: fault))
    }

    static func targets(steps: Int) -> Tensor<Double> {
        Tensor(shape: [3, steps, 2], scalars: (0..<6 * steps).map { Double($0 % 5) / 4 - 0.5 })
    }

    /// The loss, the input gradient and every parameter gradient of one pass.
    static func pass(_ network: Network<Double>, steps: Int) -> [[Double]] {
        let (loss, inputGradient) = network.gradients(inputs: inputs(steps: steps), targets: targets(steps: steps))
        return [[loss], inputGradient.scalars] + network.gradients.map(\.value.scalars)
    }

    static let rnn = "rnn(4) dense(2)"
    static let lstm = "lstm(3, forget_bias: 1) dense(2)"

    @Test(arguments: [(Fault.bpttTruncatedToOneStep, rnn), (.rnnWeightHHGradientUsesCurrentState, rnn), (.lstmCellGradientSkipsForgetGate, lstm)])
    func backwardFaultsLeaveTheForwardPassAlone(fault: Fault, spec: String) {
        let (engine, faulty) = Self.networks(spec, steps: 4, fault: fault)
        #expect(faulty.layers[0] is FaultyLayer<Double> && !(faulty.layers[1] is FaultyLayer<Double>))
        #expect(faulty.forward(Self.inputs(steps: 4)) == engine.forward(Self.inputs(steps: 4)))
        let (correct, wrong) = (Self.pass(engine, steps: 4), Self.pass(faulty, steps: 4))
        #expect(wrong[0] == correct[0])
        #expect(wrong != correct)
    }

    /// With one step nothing is carried back through time: truncation and a dropped cell path
    /// change nothing, and the recomputed pass is the engine's, bit for bit.
    @Test(arguments: [(Fault.bpttTruncatedToOneStep, rnn), (.lstmCellGradientSkipsForgetGate, lstm)])
    func withOneStepTheFaultyPassIsTheEngines(fault: Fault, spec: String) {
        let (engine, faulty) = Self.networks(spec, steps: 1, fault: fault)
        #expect(Self.pass(faulty, steps: 1) == Self.pass(engine, steps: 1))
    }

    /// Truncated: d loss / d h_t is step t's output gradient alone, so the input gradient of the
    /// last step is right and every earlier step's misses what later steps send back.
    @Test func truncationKeepsOnlyTheLastStepsInputGradientRight() {
        let (engine, faulty) = Self.networks(Self.rnn, steps: 4, fault: .bpttTruncatedToOneStep)
        let (correct, wrong) = (Self.pass(engine, steps: 4)[1], Self.pass(faulty, steps: 4)[1])  // [3, 4, 2]
        for s in 0..<3 {
            for t in 0..<4 {
                let range = (s * 4 + t) * 2..<(s * 4 + t) * 2 + 2
                #expect((wrong[range] == correct[range]) == (t == 3), "sample \(s) step \(t)")
            }
        }
    }

    /// h_t for h_{t−1}: only `weight_hh`'s gradient changes, and it is `Σ_t da_tᵀ·h_t`, which the
    /// engine's own `dW_hh` of a network fed the states shifted by one step gives; checked here
    /// through its definition on one step from a zero state, where `dW_hh` must be `da_1ᵀ·h_1`.
    @Test func currentStateChangesOnlyTheRecurrentWeightGradient() {
        let (engine, faulty) = Self.networks(Self.rnn, steps: 4, fault: .rnnWeightHHGradientUsesCurrentState)
        let (correct, wrong) = (Self.pass(engine, steps: 4), Self.pass(faulty, steps: 4))
        let names = engine.gradients.map(\.name)
        let differing = names.indices.filter { wrong[$0 + 2] != correct[$0 + 2] }.map { names[$0] }
        #expect(differing == ["0.weight_hh"])
        #expect(wrong[1] == correct[1])

        // One step from h_0 = 0: the right dW_hh is 0, the faulty one da_1ᵀ·h_1 with da_1 = d bias_hh.
        let (one, oneFaulty) = Self.networks(Self.rnn, steps: 1, fault: .rnnWeightHHGradientUsesCurrentState)
        _ = Self.pass(one, steps: 1)
        #expect(one.gradients.first { $0.name == "0.weight_hh" }!.value.scalars.allSatisfy { $0 == 0 })
        oneFaulty.recordsOutputs = true
        let faultyPass = Self.pass(oneFaulty, steps: 1)
        let h = oneFaulty.lastOutputs[0].scalars  // [3, 1, 4]: h_1 of each sample
        let dW = oneFaulty.gradients.first { $0.name == "0.weight_hh" }!.value.scalars  // [4, 4]
        let da = oneFaulty.layerGradients(inputs: Self.inputs(steps: 1), targets: Self.targets(steps: 1)).outputGradients[0].scalars
            .enumerated().map { $0.element * (1 - h[$0.offset] * h[$0.offset]) }
        var expected = [Double](repeating: 0, count: 16)
        for i in 0..<4 {
            for j in 0..<4 { expected[i * 4 + j] = (0..<3).reduce(0) { $0 + da[$1 * 4 + i] * h[$1 * 4 + j] } }
        }
        // Three products summed, in another order than the engine's product: a few roundings of
        // the largest term, far below 1e-14 of the largest value.
        let scale = expected.map { abs($0) }.max()!
        #expect(scale > 0 && zip(dW, expected).allSatisfy { abs($0 - $1) <= 1e-14 * scale }, "\(dW) \(expected) \(faultyPass[0])")
    }

    /// Swapped gates: the faulty LSTM is the engine's with the input and forget blocks of every
    /// weight and bias exchanged, forward and backward, bit for bit.
    @Test func swappedGatesAreTheEngineWithSwappedBlocks() throws {
        let (engine, faulty) = Self.networks(Self.lstm, steps: 4, fault: .lstmInputForgetGatesSwapped)
        func swapped(_ tensor: Tensor<Double>) -> Tensor<Double> {
            let span = 3 * (tensor.shape.count == 2 ? tensor.shape[1] : 1)
            var values = tensor.scalars
            for i in 0..<span { values.swapAt(i, span + i) }
            return Tensor(shape: tensor.shape, scalars: values)
        }
        let recurrent = Set(["0.weight_ih", "0.weight_hh", "0.bias_ih", "0.bias_hh"])
        try engine.setParameters(Dictionary(uniqueKeysWithValues: faulty.parameters.map {
            ($0.name, recurrent.contains($0.name) ? swapped($0.value) : $0.value)
        }))
        #expect(faulty.forward(Self.inputs(steps: 4)) == engine.forward(Self.inputs(steps: 4)))
        let (correct, wrong) = (Self.pass(engine, steps: 4), Self.pass(faulty, steps: 4))
        #expect(wrong[0...1] == correct[0...1])
        for (index, name) in engine.gradients.map(\.name).enumerated() {
            let expected = recurrent.contains(name) ? swapped(engine.gradients[index].value).scalars : correct[index + 2]
            #expect(wrong[index + 2] == expected, "\(name)")
        }
        #expect(faulty.parameters.map(\.value) != engine.parameters.map(\.value), "the weights themselves are not swapped")
    }

    static let gru = "gru(3) dense(2)"

    /// The GRU's layout faults are the engine's GRU with the weights rearranged, forward and
    /// backward, bit for bit: reset and update blocks (the first two of `r, z, n`) swapped, or the
    /// update block negated (`σ(−a) = 1 − σ(a)`: `z` becomes `1 − z`, so `h_t = z·n + (1 − z)·h_{t−1}`),
    /// and the gradients rearranged alike (both are their own inverse and transpose). The stored
    /// weights stay the engine's.
    @Test(arguments: [Fault.gruResetUpdateGatesSwapped, .gruUpdateGateReversed])
    func gruLayoutFaultsAreTheEngineWithRearrangedBlocks(fault: Fault) throws {
        let (engine, faulty) = Self.networks(Self.gru, steps: 4, fault: fault)
        #expect(faulty.layers[0] is FaultyLayer<Double> && !(faulty.layers[1] is FaultyLayer<Double>))
        func rearranged(_ tensor: Tensor<Double>) -> Tensor<Double> {
            let span = 3 * (tensor.shape.count == 2 ? tensor.shape[1] : 1)
            var values = tensor.scalars
            for i in 0..<span {
                if fault == .gruUpdateGateReversed { values[span + i] = -values[span + i] } else { values.swapAt(i, span + i) }
            }
            return Tensor(shape: tensor.shape, scalars: values)
        }
        let recurrent = Set(["0.weight_ih", "0.weight_hh", "0.bias_ih", "0.bias_hh"])
        let stored = faulty.parameters.map(\.value)
        try engine.setParameters(Dictionary(uniqueKeysWithValues: faulty.parameters.map {
            ($0.name, recurrent.contains($0.name) ? rearranged($0.value) : $0.value)
        }))
        #expect(faulty.forward(Self.inputs(steps: 4)) == engine.forward(Self.inputs(steps: 4)))
        let (correct, wrong) = (Self.pass(engine, steps: 4), Self.pass(faulty, steps: 4))
        #expect(wrong[0...1] == correct[0...1])
        for (index, name) in engine.gradients.map(\.name).enumerated() {
            let expected = recurrent.contains(name) ? rearranged(engine.gradients[index].value).scalars : correct[index + 2]
            #expect(wrong[index + 2] == expected, "\(name)")
        }
        #expect(faulty.parameters.map(\.value) == stored, "the stored weights are left as they were")
        // The rearranged GRU is another function of the stored weights: the output differs.
        let (plain, _) = Self.networks(Self.gru, steps: 4, fault: fault)
        try plain.setParameters(Dictionary(uniqueKeysWithValues: faulty.parameters.map { ($0.name, $0.value) }))
        #expect(plain.forward(Self.inputs(steps: 4)) != faulty.forward(Self.inputs(steps: 4)))
    }

    /// forget_bias in both biases: `bias_hh`'s forget block holds the value too; nothing else moves.
    @Test func forgetBiasIsWrittenIntoBothBiases() {
        let (engine, faulty) = Self.networks("lstm(3, forget_bias: 1.5) dense(2)", steps: 2, fault: .lstmForgetBiasInBothBiases)
        for ((name, correct), (_, wrong)) in zip(engine.parameters, faulty.parameters) {
            var expected = correct.scalars
            if name == "0.bias_hh" {
                #expect(correct.scalars[3..<6].allSatisfy { $0 == 0 })
                for i in 3..<6 { expected[i] = 1.5 }
            }
            #expect(wrong.scalars == expected, "\(name)")
        }
        let architecture = try! ArchitectureSpec(parsing: "lstm(3) dense(2)")
        #expect(!Fault.lstmForgetBiasInBothBiases.acts(on: architecture, loss: .mse))
        #expect(Fault.lstmForgetBiasInBothBiases.acts(on: try! ArchitectureSpec(parsing: Self.lstm), loss: .mse))
    }

    /// A dense layer on a sequence leaks across all its n·steps rows, as one that flattens the
    /// steps into the batch: each unit's output sums to 0 over the batch and the steps together,
    /// so a single sample's outputs are centred over its steps, not zeroed.
    @Test func denseLeakOnASequenceCentresEveryRow() {
        let (_, faulty) = Self.networks(Self.rnn, steps: 4, fault: .denseLeaksAcrossBatch)
        for samples in [1, 3] {
            let inputs = Tensor(shape: [samples, 4, 2], scalars: Array(Self.inputs(steps: 4).scalars.prefix(samples * 8)))
            let output = faulty.forward(inputs).scalars  // [samples, 4, 2]
            for unit in 0..<2 {
                let column = stride(from: unit, to: output.count, by: 2).map { output[$0] }
                let scale = column.map { abs($0) }.max()!
                // A mean of up to 12 values subtracted: a few roundings of the largest.
                #expect(scale > 0 && abs(column.reduce(0, +)) <= 1e-14 * scale * 12, "\(samples) sample(s), unit \(unit): \(column)")
            }
        }
    }

    /// Skipping the first step's term of `dW_hh` is exact from `h_0 = 0`, where that term is
    /// zero: bit for bit the engine's pass, which is why only a nonzero initial state can show it.
    /// From a nonzero `h_0`, `weight_hh`'s gradient alone differs, by `da_0ᵀ·h_0`.
    @Test func skippingTheFirstStepOnlyShowsFromANonzeroInitialState() throws {
        let (engine, faulty) = Self.networks(Self.rnn, steps: 4, fault: .rnnWeightHHGradientSkipsFirstStep)
        #expect(Self.pass(faulty, steps: 4) == Self.pass(engine, steps: 4))
        let h0 = RecurrentState(hidden: Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { Double($0 % 5) / 5 - 0.4 }))
        try engine.setInitialStates([0: h0])
        try faulty.setInitialStates([0: h0])
        let (correct, wrong) = (Self.pass(engine, steps: 4), Self.pass(faulty, steps: 4))
        let names = engine.gradients.map(\.name)  // after the loss and the input gradient
        for (index, name) in names.enumerated() {
            #expect((wrong[index + 2] == correct[index + 2]) == (name != "0.weight_hh"), "\(name)")
        }
        #expect(wrong[0] == correct[0] && wrong[1] == correct[1])
    }

    /// A requirement reads as said aloud: "needs an rnn layer", not "a rnn".
    @Test func requirementArticles() {
        #expect(Fault.Requirement.layer(["rnn"]).description == "an rnn layer")
        #expect(Fault.Requirement.layer(["lstm"]).description == "an lstm layer")
        #expect(Fault.Requirement.layer(["gru"]).description == "a gru layer")
        #expect(Fault.Requirement.layer(["dense", "conv2d"]).description == "a dense or conv2d layer")
    }
}
