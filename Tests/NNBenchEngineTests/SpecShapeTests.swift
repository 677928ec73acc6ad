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

    @Test func activationsAndDropoutKeepTheShape() throws {
        let spec = try ArchitectureSpec(parsing: "dense(3, init: he_uniform) leaky_relu tanh sigmoid identity softplus gelu dropout(0.5) flatten")
        let resolved = try spec.resolve(inputShape: [7], outputWidth: 3)
        #expect(resolved.layers.dropFirst().allSatisfy { $0.inputShape == [3] && $0.outputShape == [3] && $0.parameters.isEmpty })
        #expect(resolved.parameters.first?.initializer == .heUniform)
    }

    @Test func badInputShapesAreRefused() {
        #expect(throws: SpecError("the input shape [2, 2] is not [features] or [channels, height, width] of positive sizes")) {
            try ArchitectureSpec([.relu]).resolve(inputShape: [2, 2], outputWidth: nil)
        }
        #expect(throws: SpecError.self) {
            try ArchitectureSpec([.relu]).resolve(inputShape: [0], outputWidth: nil)
        }
    }
}
