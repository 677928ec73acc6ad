import NNBenchEngine
import Testing
import NNBenchDatasets

/// Every layer's and loss's hand-written backward pass against central differences in Double
/// (relative error under 1e-6, see ``NumericalGradient/worstRelativeError``).
@Suite("Gradient checks")
struct GradientCheckTests {
    static let activations = ["relu", "leaky_relu(0.1)", "tanh", "sigmoid", "identity", "softplus", "gelu"]

    @Test(arguments: activations)
    func activationsBetweenDenseLayers(activation: String) throws {
        let network = try NumericalGradient.network("dense(5) \(activation) dense(3)", input: [4], outputs: 3, loss: .mse)
        let batch = NumericalGradient.batch(for: network, samples: 6)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test(arguments: [Loss.mse, .bceLogits, .softmaxCrossEntropy])
    func losses(loss: Loss) throws {
        let outputs = loss == .bceLogits ? 1 : 4
        let network = try NumericalGradient.network("dense(6) tanh dense(\(outputs))", input: [3], outputs: outputs, loss: loss)
        let batch = NumericalGradient.batch(for: network, samples: 7)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test func denseWithoutBias() throws {
        let network = try NumericalGradient.network("dense(4, bias: false) tanh dense(2, bias: false)", input: [3], outputs: 2, loss: .mse)
        let batch = NumericalGradient.batch(for: network, samples: 5)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
        #expect(network.parameters.map(\.name) == ["0.weight", "2.weight"])
    }

    @Test func aWrongGradientIsCaught() throws {
        // The comparison must be able to fail: a bias gradient off by 1 % is reported, at its entry.
        let network = try NumericalGradient.network("dense(3) tanh dense(1)", input: [2], outputs: 1, loss: .mse)
        let batch = NumericalGradient.batch(for: network, samples: 4)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets) {
            $0[1].value.scalars[2] *= 1.01
        }
        #expect(worst.error > 5e-3 && worst.at == "0.bias[2]", "worst at \(worst.at): \(worst.error)")
    }
}
