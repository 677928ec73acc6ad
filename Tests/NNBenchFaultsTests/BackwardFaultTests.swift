import NNBenchDatasets
@testable import NNBenchEngine
@testable import NNBenchFaults
import Testing

/// The backward-pass and loss-gradient faults named after the numpy client's bugs: each computes
/// exactly its wrong formula, and none touches the forward pass.
///
/// Every expected value is computed here from the pass's own tensors by the fault's formula. Where
/// it is a single product of the same doubles as the fault's (a share `dy·w`, a quotient, a
/// negation) the comparison is exact; where statistics are recomputed in another order, the
/// tolerance is derived from their roundings.
@Suite("backward faults")
struct BackwardFaultTests {
    static let mlp = "dense(5) tanh dense(4) relu dense(3)"
    static let inputs = Tensor<Double>(shape: [6, 4], scalars: (0..<24).map { Double($0 % 7) / 3 - 1 })
    static let labels = Tensor<Double>(shape: [6], scalars: [0, 1, 2, 0, 1, 2])
    /// Two samples of two 4 × 4 channels, all values distinct (37 is prime to 64), so no window has
    /// tied maxima; the value 57/64 − 1/2 at (1, 1) of the first plane is the maximum of all four
    /// 2 × 2 windows of stride 1 around it.
    static let images = Tensor<Double>(shape: [2, 2, 4, 4], scalars: (0..<64).map { Double($0 * 37 % 64) / 64 - 0.5 })
    static let imageLabels = Tensor<Double>(shape: [2], scalars: [0, 2])

    /// The engine's network and the same network with `fault`, on `spec` with softmax cross-entropy.
    static func networks(_ spec: String, inputShape: [Int] = [4], fault: Fault) -> (engine: Network<Double>, faulty: Network<Double>) {
        let architecture = try! ArchitectureSpec(parsing: spec).resolve(inputShape: inputShape, outputWidth: 3)
        return (
            Network(architecture, loss: .softmaxCrossEntropy, seed: 3),
            Network(architecture, loss: .softmaxCrossEntropy, seed: 3, fault: fault)
        )
    }

    static func parameter(_ name: String, of network: Network<Double>) -> [Double] {
        network.parameters.first { $0.name == name }!.value.scalars
    }

    // MARK: The forward pass

    @Test(arguments: [
        (Fault.denseInputGradientLastUnitOnly, mlp), (.biasGradientAveraged, mlp), (.softmaxCrossEntropyGradientWrongSign, mlp),
        (.dropoutBackwardIgnoresMask, "dense(5) dropout(0.25) dense(3)"),
        (.batchnormGradientIgnoresStatistics, "dense(5) batchnorm tanh dense(3)"),
        (.maxpoolBackwardAssigns, "maxpool2d(2, stride: 1) flatten dense(3)"),
        (.maxpoolBackwardFirstWindowOnly, "maxpool2d(2, stride: 1) flatten dense(3)"),
    ])
    func theForwardPassAndTheLossAreTheEngines(fault: Fault, spec: String) {
        let image = spec.hasPrefix("maxpool")
        let (inputs, labels) = image ? (Self.images, Self.imageLabels) : (Self.inputs, Self.labels)
        let (engine, faulty) = Self.networks(spec, inputShape: image ? [2, 4, 4] : [4], fault: fault)
        #expect(faulty.layers.contains { $0 is FaultyLayer<Double> } != (fault == .softmaxCrossEntropyGradientWrongSign))
        for training in [false, true] {
            // Dropout's masks come from the same streams in the same order, so training agrees too.
            #expect(faulty.forward(inputs, training: training) == engine.forward(inputs, training: training), "training: \(training)")
        }
        #expect(faulty.loss(inputs: inputs, targets: labels) == engine.loss(inputs: inputs, targets: labels))
        let (correct, wrong) = (engine.layerGradients(inputs: inputs, targets: labels, training: true),
                                faulty.layerGradients(inputs: inputs, targets: labels, training: true))
        #expect(wrong.loss == correct.loss)
        #expect(wrong.inputGradients != correct.inputGradients || engine.gradients.map(\.value) != faulty.gradients.map(\.value))
    }

    // MARK: Dense

    @Test func denseInputGradientIsTheLastUnitsShare() {
        let (engine, faulty) = Self.networks(Self.mlp, fault: .denseInputGradientLastUnitOnly)
        let wrong = faulty.layerGradients(inputs: Self.inputs, targets: Self.labels)
        let (dy, weight) = (wrong.outputGradients[4].scalars, Self.parameter("4.weight", of: faulty))  // [6, 3], [4, 3]
        var expected: [Double] = []
        for i in 0..<6 {
            for k in 0..<4 { expected.append(dy[i * 3 + 2] * weight[k * 3 + 2]) }
        }
        #expect(wrong.inputGradients[4].scalars == expected)
        // The layer's own gradients are right: only what flows to the layers below is wrong.
        engine.gradients(inputs: Self.inputs, targets: Self.labels)
        let differs = zip(engine.gradients, faulty.gradients).filter { $0.value != $1.value }.map(\.0.name)
        #expect(differs == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func denseBiasGradientIsTheMeanOverTheBatch() {
        let (engine, faulty) = Self.networks(Self.mlp, fault: .biasGradientAveraged)
        let correctInput = engine.gradients(inputs: Self.inputs, targets: Self.labels).inputGradient
        let wrongInput = faulty.gradients(inputs: Self.inputs, targets: Self.labels).inputGradient
        #expect(wrongInput == correctInput)
        for ((name, correct), (_, wrong)) in zip(engine.gradients, faulty.gradients) {
            // The fault divides the engine's sum by n, as the expectation does: exactly equal.
            let expected = name.hasSuffix("bias") ? correct.scalars.map { $0 / 6 } : correct.scalars
            #expect(wrong.scalars == expected, "\(name)")
        }
    }

    // MARK: The loss

    @Test func softmaxCrossEntropyGradientIsNegated() {
        let (engine, faulty) = Self.networks(Self.mlp, fault: .softmaxCrossEntropyGradientWrongSign)
        let correct = engine.layerGradients(inputs: Self.inputs, targets: Self.labels)
        let wrong = faulty.layerGradients(inputs: Self.inputs, targets: Self.labels)
        #expect(wrong.loss == correct.loss)
        #expect(wrong.outputGradients.last!.scalars == correct.outputGradients.last!.scalars.map { -$0 })
        // Backpropagation is linear in the loss's gradient and rounding is symmetric in sign, so
        // every gradient below is negated exactly.
        for ((name, right), (_, negated)) in zip(engine.gradients, faulty.gradients) {
            #expect(negated.scalars == right.scalars.map { -$0 }, "\(name)")
        }
    }

    // MARK: Dropout

    @Test func dropoutBackwardScalesEveryValueAndIgnoresTheMask() {
        let (engine, faulty) = Self.networks("dense(5) dropout(0.25) dense(3)", fault: .dropoutBackwardIgnoresMask)
        let correct = engine.layerGradients(inputs: Self.inputs, targets: Self.labels, training: true)
        let wrong = faulty.layerGradients(inputs: Self.inputs, targets: Self.labels, training: true)
        let mask = engine.layers[1].dropout!.lastMask
        #expect(faulty.layers[1].dropout!.lastMask == mask, "the mask applied and reported is dropout's own")
        #expect(mask.contains(0) && mask.contains { $0 != 0 })
        #expect(wrong.inputGradients[1].scalars == wrong.outputGradients[1].scalars.map { $0 * (1 / 0.75) })
        for i in mask.indices where mask[i] != 0 {
            #expect(wrong.inputGradients[1].scalars[i] == correct.inputGradients[1].scalars[i])
        }
        // Evaluation has no mask: there dropout's backward is the identity, right or wrong.
        #expect(faulty.layerGradients(inputs: Self.inputs, targets: Self.labels).inputGradients
            == engine.layerGradients(inputs: Self.inputs, targets: Self.labels).inputGradients)
    }

    // MARK: Max pooling

    /// Max pooling's gradient routed by assignment over 2 × 2 windows of stride 1 in row-major
    /// order (the last window wins an input that several share), or only each plane's first window.
    static func assignedMaxPoolGradient(_ input: [Double], _ dy: [Double], firstWindowOnly: Bool) -> [Double] {
        var dx = [Double](repeating: 0, count: input.count)
        for plane in 0..<4 {
            for output in 0..<(firstWindowOnly ? 1 : 9) {
                let (top, left) = (output / 3, output % 3)
                let window = [0, 1, 4, 5].map { plane * 16 + top * 4 + left + $0 }
                dx[window.max { input[$0] < input[$1] }!] = dy[plane * 9 + output]
            }
        }
        return dx
    }

    @Test(arguments: [Fault.maxpoolBackwardAssigns, .maxpoolBackwardFirstWindowOnly])
    func maxPoolGradientIsAssignedNotAccumulated(fault: Fault) {
        let (engine, faulty) = Self.networks("maxpool2d(2, stride: 1) flatten dense(3)", inputShape: [2, 4, 4], fault: fault)
        let wrong = faulty.layerGradients(inputs: Self.images, targets: Self.imageLabels)
        let expected = Self.assignedMaxPoolGradient(
            Self.images.scalars, wrong.outputGradients[0].scalars, firstWindowOnly: fault == .maxpoolBackwardFirstWindowOnly)
        #expect(wrong.inputGradients[0].scalars == expected)
        #expect(engine.layerGradients(inputs: Self.images, targets: Self.imageLabels).inputGradients[0].scalars != expected)
    }

    // MARK: Batchnorm

    @Test func batchnormTrainingGradientTreatsTheStatisticsAsConstants() throws {
        let (engine, faulty) = Self.networks("dense(5) batchnorm tanh dense(3)", fault: .batchnormGradientIgnoresStatistics)
        let weight = [0.5, -1, 2, 1.5, 3]
        for network in [engine, faulty] { try network.setParameters(["1.weight": Tensor(shape: [5], scalars: weight)]) }
        // In evaluation the statistics are constants: the fault's formula is the right one there.
        #expect(faulty.layerGradients(inputs: Self.inputs, targets: Self.labels).inputGradients
            == engine.layerGradients(inputs: Self.inputs, targets: Self.labels).inputGradients)

        faulty.recordsOutputs = true
        let wrong = faulty.layerGradients(inputs: Self.inputs, targets: Self.labels, training: true)
        let (x, dy) = (faulty.lastOutputs[0].scalars, wrong.outputGradients[1].scalars)  // [6, 5] each
        var expected = [Double](repeating: 0, count: 30)
        for c in 0..<5 {
            let column = (0..<6).map { x[$0 * 5 + c] }
            let mean = column.reduce(0, +) / 6
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            let inverseDeviation = 1 / (variance + 1e-5).squareRoot()
            for i in 0..<6 { expected[i * 5 + c] = dy[i * 5 + c] * weight[c] * inverseDeviation }
        }
        // Sums of 6 values, a square root and three products: under 20 roundings of 1.1e-16 in
        // either computation, so 1e-13 of the largest value leaves a margin of 20.
        let scale = expected.map { abs($0) }.max()!
        #expect(zip(wrong.inputGradients[1].scalars, expected).allSatisfy { abs($0 - $1) <= 1e-13 * scale })
        let correct = engine.layerGradients(inputs: Self.inputs, targets: Self.labels, training: true)
        #expect(zip(correct.inputGradients[1].scalars, expected).contains { abs($0 - $1) > 1e-3 * scale })
    }
}
