@testable import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import Testing

/// Where the reference check puts a bug, from which parameters' gradients differ: the cases the
/// backward pass's structure decides (see ``GradientLocation``).
@Suite struct GradientLocationTests {
    // dense(8) tanh dense(8) relu dense(3): parameters in layers 0, 2 and 4.
    static let parameters = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    static let layers: [LayerSpec] = [.dense(units: 8), .tanh, .dense(units: 8), .relu, .dense(units: 3)]

    @Test("a bug in a layer's input gradient: the layers between the deepest wrong gradient and the next right one")
    func inputGradientBug() {
        // Layer 4's input gradient is wrong: everything in layers 0 and 2 differs.
        let location = GradientLocation(parameters: Self.parameters, differing: Array(Self.parameters.prefix(4)), layerCount: 5)
        #expect(location.parameter == "2.bias" && location.layer == 2)
        #expect(location.suspects == [3, 4] && !location.lossSuspect && location.lowerDiffer)
        #expect(location.ownGradientOnly == nil)
        // The backward passes' causes come first: one bug there explains every wrong gradient.
        let causes = location.symptom(Self.layers, loss: .softmaxCrossEntropy).likelyCauses
        #expect(causes.first == Symptom.backward(of: .relu, scale: nil).likelyCauses.first)
    }

    @Test("a bug in the loss's gradient: no layer above has parameters")
    func lossBug() {
        let location = GradientLocation(parameters: Self.parameters, differing: Self.parameters, layerCount: 5)
        #expect(location.parameter == "4.bias" && location.suspects == [] && location.lossSuspect)
        #expect(location.sentence { "layer \($0)" }.contains("no layer above it has parameters, so the bug is in the backward pass of the loss"))
    }

    @Test("a parameter whose neighbour in the same layer agrees: its own gradient")
    func sameLayerAgrees() {
        let location = GradientLocation(parameters: Self.parameters, differing: ["0.bias", "2.bias", "4.bias"], layerCount: 5)
        #expect(location.parameter == "4.bias")
        #expect(location.ownGradientOnly == "the gradient of 4.weight agrees, so this layer's output gradient is right")
        #expect(location.suspects.isEmpty && !location.lossSuspect)
        #expect(location.symptom(Self.layers, loss: .softmaxCrossEntropy).likelyCauses.allSatisfy { !$0.contains("softmax") })
    }

    @Test("a wrong gradient with every layer below right: its own gradient")
    func lowerLayersAgree() {
        let location = GradientLocation(parameters: Self.parameters, differing: ["2.weight", "2.bias"], layerCount: 5)
        #expect(location.ownGradientOnly == "every layer below it has the right gradients, so no backward pass above it is wrong")
        #expect(location.suspects.isEmpty)
    }

    @Test("the first layer alone differs: its gradient or the passes above it, undecided")
    func firstLayer() {
        let location = GradientLocation(parameters: Self.parameters, differing: ["0.weight", "0.bias"], layerCount: 5)
        #expect(location.ownGradientOnly == nil && location.suspects == [1, 2] && !location.lowerDiffer)
    }
}
