import Testing
import NNBenchEngine

@Suite("Spec shape inference")
struct SpecShapeTests {
    @Test func barsStripesConvNet() throws {
        let spec = try ArchitectureSpec(parsing: "conv2d(4, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(1)")
        let resolved = try spec.resolve(inputShape: [1, 8, 8], outputWidth: 1)
        #expect(resolved.layers.map(\.outputShape) == [[4, 8, 8], [4, 8, 8], [4, 4, 4], [64], [1]])
        #expect(resolved.layers.map(\.inputShape) == [[1, 8, 8], [4, 8, 8], [4, 8, 8], [4, 4, 4], [64]])
        #expect(resolved.parameters.map(\.description) == ["0.weight [4, 1, 3, 3]", "0.bias [4]", "4.weight [64, 1]", "4.bias [1]"])
        #expect(resolved.parameters.map(\.initializer) == [.glorotUniform, .zeros, .glorotUniform, .zeros])
        #expect(resolved.parameterCount == 36 + 4 + 64 + 1)
        #expect(resolved.state.isEmpty)
        #expect(resolved.outputShape == [1])
    }

    @Test func convAndPoolOutputSizesFollowPyTorch() throws {
        let spec = try ArchitectureSpec(parsing: "conv2d(2, kernel: 3, stride: 2, padding: 1, bias: false) avgpool2d(2, stride: 1) maxpool2d(3, stride: 2)")
        let resolved = try spec.resolve(inputShape: [3, 9, 7], outputWidth: nil)
        // ⌊(9 + 2 − 3) / 2⌋ + 1 = 5, ⌊(7 + 2 − 3) / 2⌋ + 1 = 4; then ⌊(h − 2) / 1⌋ + 1; then ⌊(h − 3) / 2⌋ + 1.
        #expect(resolved.layers.map(\.outputShape) == [[2, 5, 4], [2, 4, 3], [2, 1, 1]])
        #expect(resolved.parameters.map(\.description) == ["0.weight [2, 3, 3, 3]"])
    }

    @Test func batchNormOverFeaturesAndChannels() throws {
        let spec = try ArchitectureSpec(parsing: "conv2d(3, kernel: 2) batchnorm relu flatten dense(5, bias: false) batchnorm dense(2)")
        let resolved = try spec.resolve(inputShape: [2, 3, 3], outputWidth: 2)
        #expect(resolved.parameters.map(\.description) == [
            "0.weight [3, 2, 2, 2]", "0.bias [3]", "1.weight [3]", "1.bias [3]",
            "4.weight [12, 5]", "5.weight [5]", "5.bias [5]", "6.weight [5, 2]", "6.bias [2]",
        ])
        #expect(resolved.state.map(\.description) == ["1.running_mean [3]", "1.running_var [3]", "5.running_mean [5]", "5.running_var [5]"])
        #expect(resolved.layers[1].parameters.map(\.initializer) == [.constant(1), .zeros])
        #expect(resolved.layers[1].state.map(\.initializer) == [.zeros, .constant(1)])
    }

    /// PyTorch's names, shapes and stacking: `weight_ih [gates·units, in]`, `weight_hh
    /// [gates·units, units]`, both biases `[gates·units]`, all from `U(±1/√units)`; dense on a
    /// sequence acts on the last axis.
    @Test func recurrentLayersFollowPyTorch() throws {
        let spec = try ArchitectureSpec(parsing: "lstm(4) dropout(0.1) gru(3, bias: false) dense(5) tanh rnn(2, sequence: false) dense(1)")
        let resolved = try spec.resolve(inputShape: [7, 6], outputWidth: 1)
        #expect(resolved.layers.map(\.outputShape) == [[7, 4], [7, 4], [7, 3], [7, 5], [7, 5], [2], [1]])
        #expect(resolved.parameters.map(\.description) == [
            "0.weight_ih [16, 6]", "0.weight_hh [16, 4]", "0.bias_ih [16]", "0.bias_hh [16]",
            "2.weight_ih [9, 4]", "2.weight_hh [9, 3]", "3.weight [3, 5]", "3.bias [5]",
            "5.weight_ih [2, 5]", "5.weight_hh [2, 2]", "5.bias_ih [2]", "5.bias_hh [2]", "6.weight [2, 1]", "6.bias [1]",
        ])
        #expect(resolved.layers[0].parameters.allSatisfy { $0.initializer == .uniform(bound: 0.5) && $0.constantBlocks.isEmpty })
        #expect(resolved.layers[5].parameters.allSatisfy { $0.initializer == .uniform(bound: 1 / 2.0.squareRoot()) })
    }

    /// `forget_bias` sets the forget gate's block (`[units, 2·units)`) of `bias_ih`, and zeroes it in
    /// `bias_hh`, so that their sum starts at the value; the other blocks keep PyTorch's draw.
    @Test func theForgetBiasSetsTheForgetGatesBlock() throws {
        let resolved = try ArchitectureSpec(parsing: "lstm(3, forget_bias: 1)").resolve(inputShape: [4, 2], outputWidth: nil)
        #expect(resolved.parameters.map(\.constantBlocks) == [[], [], [ConstantBlock(range: 3..<6, value: 1)], [ConstantBlock(range: 3..<6, value: 0)]])
        let network = Network<Double>(resolved, loss: .mse, seed: 4)
        let (ih, hh) = (network.parameters[2].value.scalars, network.parameters[3].value.scalars)
        #expect(Array(ih[3..<6]) == [1, 1, 1] && Array(hh[3..<6]) == [0, 0, 0])
        let bound = 1 / 3.0.squareRoot()
        #expect((Array(ih[0..<3]) + ih[6...] + hh[0..<3] + hh[6...]).allSatisfy { $0 != 0 && abs($0) <= bound })
    }

    @Test func anEmbeddingTurnsTokensIntoASequence() throws {
        let resolved = try ArchitectureSpec(parsing: "embedding(10, 4) gru(3) dense(2)").resolve(inputShape: [6], outputWidth: nil)
        #expect(resolved.layers.map(\.outputShape) == [[6, 4], [6, 3], [6, 2]])
        #expect(resolved.parameters[0].description == "0.weight [10, 4]")
        #expect(resolved.parameters[0].initializer == .normal(standardDeviation: 1))
    }

    @Test func activationsAndDropoutKeepTheShape() throws {
        let spec = try ArchitectureSpec(parsing: "dense(3, init: he_uniform) leaky_relu tanh sigmoid identity softplus gelu dropout(0.5) flatten")
        let resolved = try spec.resolve(inputShape: [7], outputWidth: 3)
        #expect(resolved.layers.dropFirst().allSatisfy { $0.inputShape == [3] && $0.outputShape == [3] && $0.parameters.isEmpty })
        #expect(resolved.parameters.first?.initializer == .heUniform)
    }

    @Test func badInputShapesAreRefused() {
        #expect(throws: SpecError("the input shape [2, 2, 2, 2] is not [features], [steps, features] or [channels, height, width] of positive sizes")) {
            try ArchitectureSpec([.relu]).resolve(inputShape: [2, 2, 2, 2], outputWidth: nil)
        }
        #expect(throws: SpecError.self) {
            try ArchitectureSpec([.relu]).resolve(inputShape: [0], outputWidth: nil)
        }
    }
}
