@testable import NNBenchEngine
import Testing

/// Every layer's forward and backward pass in Double against PyTorch's float64 (``TorchGolden``):
/// the output, the input gradient and the parameter gradients for a fixed random output gradient,
/// and batchnorm's running statistics after the pass.
///
/// Tolerance: 1e-12 of each tensor's largest value (``TorchGolden/relativeError(_:_:)``). Both
/// sides round every operation to float64 (u = 1.1e-16), each in its own order and with its own
/// `erf`, `exp`, `tanh` (accurate to an ulp or two). The longest computations here are sums of at
/// most 27 terms (a convolution's 2·3·3 or 3·3·3 products and its weight gradient's 18; batchnorm's
/// sums over 3·3·3 values per channel) of values of order 1, and the worst cancellation, in
/// batchnorm's input gradient `N·dy − Σdy − x̂·Σ(dy·x̂)`, loses about a factor 20; so either side is
/// within about 27 · 20 · u ≈ 6e-14 of the exact value. A wrong formula, index, layout or
/// convention (a tie-break, a kink's derivative) is off by far more: 1e-3 at the least.
@Suite("PyTorch golden: layers")
struct TorchGoldenLayerTests {
    static let tolerance = 1e-12

    /// Includes softplus beyond PyTorch's threshold (x > 20, where both return x with derivative
    /// 1): without the threshold the engine measured 2.6e-12 in the output and 1.7e-9 in the input
    /// gradient there, so the case tells the two conventions apart.
    @Test(arguments: TorchGolden.file?.layers ?? [])
    func matchesTorch(_ golden: TorchGolden.LayerCase) throws {
        try Self.compare(golden)
    }

    /// Dropout in training: PyTorch's masks are not the engine's, so the engine's own mask is read
    /// from its output (no input is 0) and checked to be made of 0 and PyTorch's multiplier of a
    /// kept value, applied to the output and to the input gradient alike.
    @Test(arguments: TorchGolden.file?.dropout ?? [])
    func dropoutInTraining(_ golden: TorchGolden.DropoutCase) throws {
        let inputShape = Array(golden.input.shape.dropFirst())
        let network = try NumericalGradient.network(golden.spec, input: inputShape, outputs: nil)
        let layer = network.layers[0]
        layer.computesInputGradient = true
        let input = Buffer(golden.input.values), outputGradient = Buffer(golden.outputGradient.values)
        let output = layer.forward(Batch(count: golden.input.shape[0], shape: inputShape, pointer: input.pointer), training: true)
        let outputTensor = output.tensor
        let inputGradient = layer.backward(Batch(count: output.count, shape: output.shape, pointer: outputGradient.pointer)).tensor

        #expect(!golden.input.values.contains(0))
        let mask = outputTensor.scalars.map { $0 == 0 ? 0 : golden.keptMultiplier }
        // Both kinds occur, so that the comparisons below see a dropped and a kept value.
        #expect(mask.contains(0) && mask.contains(golden.keptMultiplier))
        let expectedOutput = zip(golden.input.values, mask).map { $0 * $1 }
        let expectedInputGradient = zip(golden.outputGradient.values, mask).map { $0 * $1 }
        Self.expectClose(outputTensor, .init(shape: golden.input.shape, values: expectedOutput), "output")
        Self.expectClose(inputGradient, .init(shape: golden.input.shape, values: expectedInputGradient), "input gradient")
    }

    static func compare(_ golden: TorchGolden.LayerCase) throws {
        let inputShape = Array(golden.input.shape.dropFirst())
        let network = try NumericalGradient.network(golden.spec, input: inputShape, outputs: nil)
        #expect(Set(network.parameters.map(\.name)) == Set(golden.parameters.keys))
        #expect(Set(network.state.map(\.name)) == Set(golden.state.keys))
        try network.setParameters(golden.parameters.merging(golden.state) { first, _ in first }.mapValues(\.tensor))

        let layer = network.layers[0]
        layer.computesInputGradient = true
        let input = Buffer(golden.input.values), outputGradient = Buffer(golden.outputGradient.values)
        let output = layer.forward(Batch(count: golden.input.shape[0], shape: inputShape, pointer: input.pointer), training: golden.training)
        let outputTensor = output.tensor
        let inputGradient = layer.backward(Batch(count: output.count, shape: output.shape, pointer: outputGradient.pointer)).tensor

        Self.expectClose(outputTensor, golden.output, "output")
        Self.expectClose(inputGradient, golden.inputGradient, "input gradient")
        for (name, gradient) in network.gradients {
            Self.expectClose(gradient, golden.parameterGradients[name], "\(name) gradient")
        }
        for (name, value) in network.state {
            Self.expectClose(value, golden.stateAfter[name], "\(name) after the pass")
        }
    }

    static func expectClose(_ actual: Tensor<Double>, _ expected: TorchGolden.TensorRecord?, _ what: String) {
        guard let expected else {
            Issue.record("\(what): not in the golden file")
            return
        }
        #expect(actual.shape == expected.shape, "\(what): shape")
        let error = TorchGolden.relativeError(actual.scalars, expected.values)
        #expect(error <= tolerance, "\(what): relative error \(error)")
    }
}
