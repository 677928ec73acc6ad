import NNBenchDatasets
@testable import NNBenchEngine
@testable import NNBenchFaults
import Testing

/// The faults live outside the engine: a network built without one is the engine's own, bit for
/// bit, and each fault changes what it is about and nothing it is not.
@Suite("fault injection")
struct FaultInjectionTests {
    static let architecture = try! ArchitectureSpec(parsing: "dense(5) tanh dense(4) relu dense(3)")
        .resolve(inputShape: [4], outputWidth: 3)
    static let inputs = Tensor<Double>(shape: [6, 4], scalars: (0..<24).map { Double($0 % 7) / 3 - 1 })
    static let targets = Tensor<Double>(shape: [6], scalars: [0, 1, 2, 0, 1, 2])

    /// The loss and every gradient of one evaluation-mode pass.
    static func pass(_ network: Network<Double>) -> [Double] {
        let (loss, inputGradient) = network.gradients(inputs: inputs, targets: targets)
        return [loss] + inputGradient.scalars + network.gradients.flatMap(\.value.scalars)
    }

    @Test func noFaultIsTheEngineItself() {
        let engine = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3)
        let unmodified = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: nil)
        #expect(Self.pass(engine) == Self.pass(unmodified))
        #expect(engine.parameters.map(\.value) == unmodified.parameters.map(\.value))
    }

    @Test func aFaultWrapsOnlyTheLayersItConcerns() {
        let network = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .reluBackwardPassesNegative)
        let wrapped = network.layers.map { $0 is FaultyLayer<Double> }
        #expect(wrapped == [false, false, false, true, false])
    }

    @Test func aBackwardFaultLeavesTheForwardPassAlone() {
        let engine = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3)
        let faulty = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .tanhDerivativeOfInput)
        #expect(engine.forward(Self.inputs) == faulty.forward(Self.inputs))
        #expect(Self.pass(engine) != Self.pass(faulty))
    }

    @Test func anInitialisationFaultChangesOnlyTheWeightMatrices() {
        let engine = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3)
        let faulty = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .initScaleTimes10)
        for ((name, correct), (_, wrong)) in zip(engine.parameters, faulty.parameters) {
            if correct.shape.count == 2 {
                #expect(wrong.scalars == correct.scalars.map { $0 * 10 }, "\(name)")
            } else {
                #expect(wrong == correct, "\(name)")
            }
        }
    }

    @Test(arguments: [Fault.updatesNotApplied, .updateWrongSign, .gradientsNotZeroed, .momentumNotKept, .adamWithoutBiasCorrection, .weightDecayWrongSign])
    func anOptimizerFaultChangesTheStepsButNotTheGradients(fault: Fault) {
        let spec = OptimizerSpec.adam(learningRate: 0.01, weightDecay: 0.1)
        let engine = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3)
        let faulty = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: fault)
        let (correctSteps, wrongSteps) = (NetworkOptimizer(spec, network: engine), NetworkOptimizer(spec, network: faulty, fault: fault))
        // The first step starts from the same weights, so its loss (taken before the update) agrees.
        #expect(correctSteps.step(inputs: Self.inputs, targets: Self.targets) == wrongSteps.step(inputs: Self.inputs, targets: Self.targets))
        for _ in 0..<2 {
            correctSteps.step(inputs: Self.inputs, targets: Self.targets)
            wrongSteps.step(inputs: Self.inputs, targets: Self.targets)
        }
        #expect(engine.parameters.map(\.value) != faulty.parameters.map(\.value), "\(fault)")
        // The networks themselves are the same function: only the optimizer is wrong.
        let fresh = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: fault)
        #expect(Self.pass(fresh) == Self.pass(Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3)))
    }
}

/// The engine fingerprint moves when the engine's numbers do: a fault in a layer, a loss, the
/// initialisation or an optimizer, each made through the same hooks as `nnbench check --inject`,
/// changes it; the engine's own networks through those hooks give it unchanged.
@Suite("engine fingerprint")
struct FingerprintFaultTests {
    @Test func theHooksWithoutAFaultGiveTheSameFingerprint() {
        #expect(EngineFingerprint.compute(modifier: nil, rule: { Optimizer.rule($0, parameters: $1) }) == EngineFingerprint.current)
    }

    @Test(arguments: [Fault.reluBackwardPassesNegative, .maxpoolGradientToWindow, .lossSumNotMean, .initScaleTimes10, .dropoutNotInverted])
    func aNetworkFaultChangesIt(fault: Fault) {
        #expect(EngineFingerprint.compute(modifier: { FaultInjection<Float>(fault) }) != EngineFingerprint.current)
    }

    @Test(arguments: [Fault.momentumNotKept, .adamWithoutBiasCorrection, .weightDecayWrongSign])
    func anOptimizerFaultChangesIt(fault: Fault) {
        let rule = { (spec: OptimizerSpec, parameters: [Parameter<Float>]) -> any UpdateRule<Float> in
            FaultyUpdateRule<Float>.make(spec, parameters: parameters, fault: fault) ?? Optimizer.rule(spec, parameters: parameters)
        }
        #expect(EngineFingerprint.compute(rule: rule) != EngineFingerprint.current)
    }

    /// A training pass of each fault runs on what the fault says (the engine's loss there, at the
    /// same weights), and evaluation on the real inputs.
    @Test func trainingInputsZeroedAndOneBatchLate() {
        let engine = Network<Double>(FaultInjectionTests.architecture, loss: .softmaxCrossEntropy, seed: 3)
        let other = Tensor<Double>(shape: [6, 4], scalars: FaultInjectionTests.inputs.scalars.reversed())
        let zeros = Tensor<Double>(shape: [6, 4], scalars: Array(repeating: 0, count: 24))
        let trained = { (inputs: Tensor<Double>) in engine.gradients(inputs: inputs, targets: FaultInjectionTests.targets, training: true).loss }
        let zeroed = Network<Double>(FaultInjectionTests.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .trainingInputsZeroed)
        #expect(zeroed.gradients(inputs: FaultInjectionTests.inputs, targets: FaultInjectionTests.targets, training: true).loss == trained(zeros))
        #expect(zeroed.loss(inputs: FaultInjectionTests.inputs, targets: FaultInjectionTests.targets) == engine.loss(inputs: FaultInjectionTests.inputs, targets: FaultInjectionTests.targets))
        let late = Network<Double>(FaultInjectionTests.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .trainingInputsOneBatchLate)
        #expect(late.gradients(inputs: FaultInjectionTests.inputs, targets: FaultInjectionTests.targets, training: true).loss == trained(FaultInjectionTests.inputs))
        #expect(late.gradients(inputs: other, targets: FaultInjectionTests.targets, training: true).loss == trained(FaultInjectionTests.inputs))
        #expect(late.gradients(inputs: other, targets: FaultInjectionTests.targets, training: true).loss == trained(other))
        #expect(trained(other) != trained(FaultInjectionTests.inputs))
    }
}
