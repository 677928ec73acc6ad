import Foundation
@testable import NNBenchEngine
import Testing

/// The sequence layers in Double against PyTorch's float64 (`Golden/torch_golden_recurrent.json`,
/// written by `python3 scripts/torch_golden_recurrent.py` with torch 2.13.0+cpu; committed, so these
/// tests need no torch): `nn.RNN`, `nn.LSTM` and `nn.GRU` from a random nonzero initial state with
/// nonzero biases under a loss that reads every step's output and the final state, `nn.Embedding`,
/// `nn.Linear` on `[n, T, in]`, and `CrossEntropyLoss` per step.
///
/// Tolerance: 1e-12 of each tensor's largest value (``TorchGolden/relativeError(_:_:)``). Each step
/// sums at most 4 + 3 products per gate value (units + features) and the backward pass carries the
/// gradient through 5 steps whose Jacobians have norms below 1 (weights of 0.5/√units, saturating
/// gates), so each side's rounding adds up to about 5 steps · 7 terms · a few u (1.1e-16) ≈ 1e-14,
/// and the two sides differ by about as much. A swapped gate, a wrong derivative, `h_t` for
/// `h_{t−1}` or a gradient not carried back is off by 1e-2 or more.
@Suite("PyTorch golden: sequence layers")
struct TorchGoldenRecurrentTests {
    static let tolerance = 1e-12

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/torch_golden_recurrent.json")
    static let loaded = Result { try JSONDecoder().decode(File.self, from: Data(contentsOf: url)) }
    static var file: File? { try? loaded.get() }

    struct File: Decodable, Sendable {
        let meta: [String: String]
        let recurrent: [RecurrentCase]
        let embedding: [LayerCase]
        let dense: [LayerCase]
        let losses: [TorchGolden.LossCase]
    }

    /// One recurrent layer: `outputGradient` is d loss / d output, `finalStateGradient` d loss /
    /// d (final state) by part (`h`, `c`).
    struct RecurrentCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let spec: String
        let input: TorchGolden.TensorRecord
        let parameters: [String: TorchGolden.TensorRecord]
        let initialState: [String: TorchGolden.TensorRecord]
        let outputGradient: TorchGolden.TensorRecord
        let finalStateGradient: [String: TorchGolden.TensorRecord]
        let output: TorchGolden.TensorRecord
        let finalState: [String: TorchGolden.TensorRecord]
        let inputGradient: TorchGolden.TensorRecord
        let parameterGradients: [String: TorchGolden.TensorRecord]
        let initialStateGradient: [String: TorchGolden.TensorRecord]

        enum CodingKeys: String, CodingKey {
            case name, spec, input, parameters, output
            case initialState = "initial_state", outputGradient = "output_gradient", finalStateGradient = "final_state_gradient"
            case finalState = "final_state", inputGradient = "input_gradient", parameterGradients = "parameter_gradients"
            case initialStateGradient = "initial_state_gradient"
        }

        var testDescription: String { "\(name): \(spec)" }
    }

    /// A layer without state; `inputGradient` is absent for an embedding (indices).
    struct LayerCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let spec: String
        let input: TorchGolden.TensorRecord
        let parameters: [String: TorchGolden.TensorRecord]
        let outputGradient: TorchGolden.TensorRecord
        let output: TorchGolden.TensorRecord
        let inputGradient: TorchGolden.TensorRecord?
        let parameterGradients: [String: TorchGolden.TensorRecord]

        enum CodingKeys: String, CodingKey {
            case name, spec, input, parameters, output
            case outputGradient = "output_gradient", inputGradient = "input_gradient", parameterGradients = "parameter_gradients"
        }

        var testDescription: String { "\(name): \(spec)" }
    }

    @Test func theFileCoversEverySequenceLayer() throws {
        let file = try Self.loaded.get()
        #expect(file.meta["command"] == "python3 scripts/torch_golden_recurrent.py")
        let names = try Set((file.recurrent.map(\.spec) + file.embedding.map(\.spec)).map { try ArchitectureSpec(parsing: $0).layers[0].name })
        #expect(names == ["rnn", "lstm", "gru", "embedding"])
        #expect(file.recurrent.contains { !$0.parameters.keys.contains("0.bias_ih") })
        #expect(file.recurrent.contains { $0.output.shape.count == 2 } && file.recurrent.contains { $0.output.shape.count == 3 })
    }

    @Test(arguments: file?.recurrent ?? [])
    func recurrentLayerMatchesTorch(_ golden: RecurrentCase) throws {
        let inputShape = Array(golden.input.shape.dropFirst())
        let network = try NumericalGradient.network(golden.spec, input: inputShape, outputs: nil)
        #expect(network.parameters.map(\.name) == ["0.weight_ih", "0.weight_hh", "0.bias_ih", "0.bias_hh"].filter { golden.parameters[$0] != nil })
        try network.setParameters(golden.parameters.mapValues(\.tensor))
        try network.setInitialStates([0: RecurrentState(hidden: golden.initialState["h"]!.tensor, cell: golden.initialState["c"]?.tensor)])
        let layer = network.layers[0], sequence = try #require(layer.recurrent)
        layer.computesInputGradient = true
        sequence.finalStateGradient = ["h", "c"].compactMap { golden.finalStateGradient[$0]?.values }

        let input = Buffer(golden.input.values), outputGradient = Buffer(golden.outputGradient.values)
        let samples = golden.input.shape[0]
        let output = layer.forward(Batch(count: samples, shape: inputShape, pointer: input.pointer), training: true)
        TorchGoldenLayerTests.expectClose(output.tensor, golden.output, "output")
        for (part, values) in zip(["h", "c"], sequence.finalState) {
            TorchGoldenLayerTests.expectClose(Tensor(shape: [samples, sequence.units], scalars: values), golden.finalState[part], "final \(part)")
        }
        let inputGradient = layer.backward(Batch(count: samples, shape: output.shape, pointer: outputGradient.pointer)).tensor
        TorchGoldenLayerTests.expectClose(inputGradient, golden.inputGradient, "input gradient")
        for (name, gradient) in network.gradients {
            TorchGoldenLayerTests.expectClose(gradient, golden.parameterGradients[name], "\(name) gradient")
        }
        for (part, values) in zip(["h", "c"], sequence.initialStateGradient) {
            TorchGoldenLayerTests.expectClose(Tensor(shape: [samples, sequence.units], scalars: values), golden.initialStateGradient[part], "\(part)0 gradient")
        }
    }

    @Test(arguments: (file?.embedding ?? []) + (file?.dense ?? []))
    func layerOnASequenceMatchesTorch(_ golden: LayerCase) throws {
        let inputShape = Array(golden.input.shape.dropFirst())
        let network = try NumericalGradient.network(golden.spec, input: inputShape, outputs: nil)
        try network.setParameters(golden.parameters.mapValues(\.tensor))
        let layer = network.layers[0]
        layer.computesInputGradient = true
        let input = Buffer(golden.input.values), outputGradient = Buffer(golden.outputGradient.values)
        let output = layer.forward(Batch(count: golden.input.shape[0], shape: inputShape, pointer: input.pointer), training: true)
        TorchGoldenLayerTests.expectClose(output.tensor, golden.output, "output")
        let inputGradient = layer.backward(Batch(count: output.count, shape: output.shape, pointer: outputGradient.pointer)).tensor
        if let expected = golden.inputGradient { TorchGoldenLayerTests.expectClose(inputGradient, expected, "input gradient") }
        for (name, gradient) in network.gradients {
            TorchGoldenLayerTests.expectClose(gradient, golden.parameterGradients[name], "\(name) gradient")
        }
    }

    /// `[n, T, classes]` logits against `[n, T]` targets: the mean over every (sample, step) pair,
    /// through the network's own loss (``Batch/lossRows``).
    @Test(arguments: file?.losses ?? [])
    func perStepLossMatchesTorch(_ golden: TorchGolden.LossCase) throws {
        let shape = golden.predictions.shape
        let network = try NumericalGradient.network("identity", input: Array(shape.dropFirst()), outputs: nil, loss: .softmaxCrossEntropy)
        let predictions = Buffer(golden.predictions.values), targets = Buffer(golden.targets.values)
        let gradient = Buffer<Double>(count: predictions.count)
        let value = network.lossValue(
            Batch(count: shape[0], shape: Array(shape.dropFirst()), pointer: predictions.pointer), targets: targets.pointer, gradient: gradient.pointer)
        #expect(abs(value - golden.value) <= Self.tolerance * abs(golden.value), "loss \(value) against \(golden.value)")
        let error = TorchGolden.relativeError(gradient.array, golden.gradient.values)
        #expect(error <= Self.tolerance, "gradient: relative error \(error)")
    }
}
