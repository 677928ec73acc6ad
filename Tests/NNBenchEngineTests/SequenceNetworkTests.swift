@testable import NNBenchEngine
import NNBenchDatasets
import Testing

/// Sequences through whole networks: dense layers on every step, per-step losses, embeddings of
/// token indices, and the initial states of the recurrent layers.
@Suite("Sequence networks")
struct SequenceNetworkTests {
    /// `samples` sequences of `steps` standard normal features, and per-step targets for `loss`:
    /// `[n, steps, outputs]` values, or `[n, steps]` class indices.
    static func batch(_ network: Network<Double>, samples: Int, seed: UInt64 = 2) -> (inputs: Tensor<Double>, targets: Tensor<Double>) {
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "test/sequence"), index: 0)
        let input = network.architecture.inputShape, output = network.architecture.outputShape
        let inputs = Tensor(shape: [samples] + input, scalars: (0..<samples * input.reduce(1, *)).map { _ in stream.normal() })
        let steps = samples * output[0]
        let targets = network.loss == .softmaxCrossEntropy
            ? Tensor(shape: [samples, output[0]], scalars: (0..<steps).map { _ in Double(stream.integer(below: output[1])) })
            : Tensor(shape: [samples] + output, scalars: (0..<steps * output[1]).map { _ in stream.normal() })
        return (inputs, targets)
    }

    /// Dense acts on the last axis at every step, and the per-step losses average over every
    /// (sample, step) pair: central differences in Double, bound 1e-6 (``NumericalGradient``).
    @Test(arguments: [Loss.mse, .softmaxCrossEntropy])
    func denseOnEveryStepWithAPerStepLoss(loss: Loss) throws {
        let network = try NumericalGradient.network("dense(5) tanh dense(3)", input: [4, 2], outputs: nil, loss: loss)
        #expect(network.architecture.outputShape == [4, 3])
        let (inputs, targets) = Self.batch(network, samples: 3)
        let worst = NumericalGradient.worstRelativeError(network, inputs: inputs, targets: targets)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    /// Per-step softmax cross-entropy is the mean over the `n·steps` pairs: the same value as the
    /// flat loss of those pairs as samples, and each step's output is the dense layer of that
    /// step's input alone.
    @Test func aPerStepLossIsTheMeanOverEveryPair() throws {
        let sequence = try NumericalGradient.network("dense(3)", input: [4, 2], outputs: nil, loss: .softmaxCrossEntropy)
        let flat = try NumericalGradient.network("dense(3)", input: [2], outputs: 3, loss: .softmaxCrossEntropy)
        try flat.setParameters(Dictionary(uniqueKeysWithValues: sequence.parameters.map { ($0.name, $0.value) }))
        let (inputs, targets) = Self.batch(sequence, samples: 3)
        let pairs = Tensor(shape: [12, 2], scalars: inputs.scalars)
        #expect(sequence.forward(inputs).scalars == flat.forward(pairs).scalars)
        #expect(sequence.loss(inputs: inputs, targets: targets) == flat.loss(inputs: pairs, targets: Tensor(shape: [12], scalars: targets.scalars)))
    }

    /// A whole network from token indices to per-step classes: every parameter against central
    /// differences (the inputs are indices, not perturbed), bound 1e-6. Its loss goes through five
    /// layers and 18 steps of rounding, so the step is ``NumericalGradient/imageStep``'s 1e-5, as
    /// for the deep image networks: with 1e-6 the rounding error of the differences measured 3.0e-6
    /// relative on a bias gradient at the floor.
    @Test func embeddingToRecurrentLayersToPerStepClasses() throws {
        let network = try NumericalGradient.network(
            "embedding(5, 3) lstm(4) gru(3) rnn(3, nonlinearity: relu) dense(4)", input: [6], outputs: nil, loss: .softmaxCrossEntropy)
        var stream = RandomStream(key: StreamKey.make(seed: 4, purpose: "test/tokens"), index: 0)
        let tokens = Tensor(shape: [3, 6], scalars: (0..<18).map { _ in Double(stream.integer(below: 5)) })
        let targets = Tensor(shape: [3, 6], scalars: (0..<18).map { _ in Double(stream.integer(below: 4)) })
        let worst = NumericalGradient.worstRelativeError(
            network, inputs: tokens, targets: targets, h: NumericalGradient.imageStep, perturbingInputs: false)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
        // Indices are not differentiable: the network's input gradient is 0.
        #expect(network.gradients(inputs: tokens, targets: targets).inputGradient.scalars.allSatisfy { $0 == 0 })
    }

    /// An embedding copies rows; a value that is not an index gives NaN and no gradient.
    @Test func anEmbeddingLooksUpRows() throws {
        let network = try NumericalGradient.network("embedding(3, 2)", input: [4], outputs: nil)
        let table = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        try network.setParameters(["0.weight": table])
        let output = network.forward(Tensor(shape: [1, 4], scalars: [2, 0, 2, 1]))
        #expect(output.shape == [1, 4, 2] && output.scalars == [5, 6, 1, 2, 5, 6, 3, 4])
        for bad in [-1, 3, 0.5, .nan] {
            let row = network.forward(Tensor(shape: [1, 4], scalars: [0, bad, 1, 2])).scalars
            #expect(row[2].isNaN && row[3].isNaN && !row[0].isNaN && !row[4].isNaN, "\(bad)")
        }
        _ = network.gradients(inputs: Tensor(shape: [1, 4], scalars: [2, 0, 2, 7]), targets: Tensor(shape: [1, 4, 2], scalars: Array(repeating: 0, count: 8)))
        // d mse / d output = 2·output / 8 where it is read; row 2 is read twice, row 1 not at all.
        #expect(network.gradients[0].value.scalars == [0.25, 0.5, 0, 0, 2.5, 3])
    }

    /// Parity's inputs are bits, so it is also a sequence of tokens; the inputs of a task that are
    /// not indices are refused before training.
    @Test func aTaskMustGiveTokenIndicesToAnEmbedding() throws {
        let spec = try ArchitectureSpec(parsing: "embedding(2, 3) gru(4, sequence: false) dense(1)")
        #expect(try spec.resolve(for: TaskCatalogue.definition(named: "parity").makeTask()).outputShape == [1])
        let error = try #require(throws: SpecError.self) {
            try ArchitectureSpec(parsing: "embedding(3, 3) gru(4, sequence: false) dense(1)").resolve(for: TaskCatalogue.definition(named: "moons").makeTask())
        }
        #expect(error.message.hasPrefix("expects token indices 0...2, but input 0 of train sample 0 of 'moons' is "))
        #expect(error.layerIndex == 0)
    }

    /// The products over the whole sequence (`x·W_ihᵀ` and the weight gradients, `steps·n = 80`
    /// rows) are split over two threads here; every output and gradient keeps its bits.
    @Test func sameBitsWithOneOrTwoThreads() throws {
        let (steps, features, units, samples) = (10, 32, 32, 8)
        #expect(steps * samples * 4 * units * features >= GEMMParallelism.minimumMultiplyAdds)
        #expect(GEMMParallelism.rowBlocks(m: steps * samples, n: 4 * units, k: features, threads: 2).count == 2)
        let results = try [1, 2].map { threads in
            let network = try NumericalGradient.network(
                "lstm(\(units)) gru(\(units)) dense(3)", input: [steps, features], outputs: nil, threads: threads)
            let (inputs, targets) = Self.batch(network, samples: samples)
            let output = network.forward(inputs)
            let (loss, inputGradient) = network.gradients(inputs: inputs, targets: targets)
            return (output: output, loss: loss, inputGradient: inputGradient, gradients: network.gradients.map(\.value))
        }
        #expect(results[0].output == results[1].output)
        #expect(results[0].loss == results[1].loss)
        #expect(results[0].inputGradient == results[1].inputGradient)
        #expect(results[0].gradients == results[1].gradients)
    }

    /// Initial states: kept until replaced, each part checked against its layer; final states and
    /// their gradients come back by layer index.
    @Test func initialStatesAreCheckedAndUsed() throws {
        let network = try NumericalGradient.network("lstm(3) gru(2)", input: [4, 2], outputs: nil)
        let (inputs, targets) = Self.batch(network, samples: 2)
        let zero = network.forward(inputs)
        let h = Tensor<Double>(shape: [2, 3], scalars: [0.5, -0.5, 0.25, 0, 1, -1]), c = Tensor<Double>(shape: [2, 3], scalars: [1, 0, 0, 0, 0, -1])
        try network.setInitialStates([0: RecurrentState(hidden: h, cell: c)])
        #expect(network.forward(inputs) != zero)
        #expect(network.initialStates[0] == RecurrentState(hidden: h, cell: c))
        #expect(network.initialStates[1]!.hidden == Tensor(zeros: [2, 2]) && network.initialStates[1]!.cell == nil)
        #expect(network.finalStates[1]!.hidden.scalars == Array(network.forward(inputs).scalars[6..<8] + network.forward(inputs).scalars[14..<16]))
        _ = network.gradients(inputs: inputs, targets: targets)
        #expect(network.initialStateGradients[0]!.cell!.shape == [2, 3])
        #expect(network.timeStepGradientNorms.mapValues(\.count) == [0: 4, 1: 4])
        try network.setInitialStates(nil)
        #expect(network.forward(inputs) == zero)

        let errors: [([Int: RecurrentState<Double>], String)] = [
            ([1: RecurrentState(hidden: Tensor(zeros: [2, 2]), cell: Tensor(zeros: [2, 2]))], "the initial state of layer 1 does not fit: only an LSTM has a cell state"),
            ([0: RecurrentState(hidden: h)], "the initial state of layer 0 does not fit: an LSTM's state needs a cell state"),
            ([0: RecurrentState(hidden: h, cell: c), 1: RecurrentState(hidden: Tensor(zeros: [3, 2]))],
             "the initial state of layer 1 does not fit: its hidden state has shape [3, 2]; expected [n, 2] with n = 2 for every layer"),
            ([2: RecurrentState(hidden: h)], "an initial state was given for layer 2, which is not a recurrent layer"),
        ]
        for (states, message) in errors {
            #expect(throws: NetworkError.self) { try network.setInitialStates(states) }
            do { try network.setInitialStates(states) } catch { #expect(error.description == message) }
        }
        #expect(network.forward(inputs) == zero, "a refused state changes nothing")
    }

    /// A pass on another batch size than the initial states' is an error ``Network/validate(_:)``
    /// names (every pass requires it), never a state read past its end.
    @Test func aBatchOfAnotherSizeThanTheStatesIsAnError() throws {
        let network = try NumericalGradient.network("lstm(3) gru(2)", input: [4, 2], outputs: nil)
        let (two, _) = Self.batch(network, samples: 2)
        let (three, _) = Self.batch(network, samples: 3)
        try network.validate(three)
        try network.setInitialStates([1: RecurrentState(hidden: Tensor(zeros: [2, 2]))])
        try network.validate(two)
        #expect(throws: NetworkError.batchSizeMismatch(states: 2, got: 3)) { try network.validate(three) }
        #expect(NetworkError.batchSizeMismatch(states: 2, got: 3).description
            == "the batch has 3 sample(s) but the initial states are set for 2; set states for this batch size, or none (zeros)")
        #expect(throws: NetworkError.inputShapeMismatch(expected: [4, 2], got: [2, 4, 3])) {
            try network.validate(Tensor(zeros: [2, 4, 3]))
        }
        try network.setInitialStates(nil)
        try network.validate(three)
    }
}
