import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// nnbench's own engine as a ``CheckableModel``: a `Network<Float>` or `Network<Double>` with the
/// engine's optimizers, optionally with an injected ``Fault``.
///
/// It offers every op and field of protocol version 2, so that every check runs on it. Dropout
/// masks are the engine's own draws, reported with every training-mode trace.
public final class EngineModel<Scalar: EngineScalar>: CheckableModel {
    /// The bug injected into every network it builds, or `nil`.
    public let fault: Fault?
    /// The optimizers it offers: every one of the engine's unless told otherwise.
    public let optimizers: Set<String>
    private(set) var network: Network<Scalar>?
    private var optimizer: NetworkOptimizer<Scalar>?
    /// The batch size of the initial states set, which every pass must then have; `nil` for zeros.
    private var initialStateSamples: Int?

    /// Creates the adapter; ``build(_:loss:seed:)`` makes the network.
    ///
    /// - Parameters:
    ///   - fault: A bug to inject, or `nil` for the correct engine.
    ///   - optimizers: The optimizer types it offers (`sgd`, ...), declining the others as a
    ///     program would: the checks' choices for models without Adam are tested with it.
    public init(fault: Fault? = nil, optimizers: Set<String> = Set(OptimizerSpec.typeNames)) {
        self.fault = fault
        self.optimizers = optimizers
    }

    public func hello() throws(ModelError) -> ModelInfo {
        let name = "nnbench-engine" + (fault.map { " with \($0)" } ?? "")
        return ModelInfo(
            name: name, precision: Scalar.self == Float.self ? .float32 : .float64, version: ModelInfo.current,
            ops: Set(ModelOp.allCases), layerTypes: Set(LayerSpec.typeNames), losses: Set(Loss.allCases),
            optimizers: optimizers)
    }

    public func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] {
        let resolved: ResolvedArchitecture
        do {
            resolved = try model.resolve(outputWidth: nil)
        } catch {
            throw .failed(.build, error.description)
        }
        network = Network(resolved, loss: loss, seed: seed, fault: fault)
        network?.recordsOutputs = true
        optimizer = nil
        initialStateSamples = nil
        return resolved.layers.flatMap { layer in
            layer.parameters.map { ParameterShape(name: $0.name, shape: $0.shape) }
                + layer.state.map { ParameterShape(name: $0.name, shape: $0.shape, trainable: false) }
        }
    }

    public func parameters() throws(ModelError) -> [String: Tensor<Double>] {
        let network = try built(.getParams)
        return Dictionary(uniqueKeysWithValues: (network.parameters + network.state).map { ($0.name, $0.value.converted(to: Double.self)) })
    }

    public func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) {
        let network = try built(.setParams)
        let expected = Set((network.parameters + network.state).map(\.name))
        guard Set(values.keys) == expected else {
            throw .failed(.setParams, "expected the parameters and buffers \(expected.sorted()), got \(values.keys.sorted())")
        }
        do {
            try network.setParameters(values.mapValues { $0.converted(to: Scalar.self) })
        } catch {
            throw .failed(.setParams, error.description)
        }
        optimizer?.reset()
    }

    public func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
        let network = try built(.forward)
        try checkInputs(inputs, network, op: .forward)
        try checkBatch(inputs, network, op: .forward, training: training)
        let converted = inputs.converted(to: Scalar.self)
        if trace {
            let outputs = network.trace(converted, training: training).map { $0.converted(to: Double.self) }
            return ForwardResult(output: outputs.last!, trace: Trace(outputs: outputs, masks: masks(network, training: training)))
        }
        return ForwardResult(output: network.forward(converted, training: training).converted(to: Double.self))
    }

    public func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        let network = try built(.loss)
        try checkInputs(inputs, network, op: .loss)
        return Double(network.loss(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)))
    }

    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        let network = try built(.gradients)
        try checkInputs(inputs, network, op: .gradients)
        try checkBatch(inputs, network, op: .gradients, training: training)
        let loss = network.gradients(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self), training: training).loss
        let gradients = Dictionary(uniqueKeysWithValues: network.gradients.map { ($0.name, $0.value.converted(to: Double.self)) })
        return GradientResult(
            loss: Double(loss), gradients: gradients, trace: trace ? lastTrace(network, training: training) : nil,
            initialStateGradients: initialStateSamples == nil ? [:] : network.initialStateGradients.mapValues { $0.converted(to: Double.self) })
    }

    public func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer spec: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        let network = try built(.step)
        guard optimizers.contains(spec.name) else { throw .failed(.step, "unsupported optimizer '\(spec.name)'") }
        try checkInputs(inputs, network, op: .step)
        try checkBatch(inputs, network, op: .step, training: training)
        if optimizer?.spec != spec { optimizer = NetworkOptimizer(spec, network: network, fault: fault) }
        let loss = optimizer!.step(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self), training: training)
        return StepResult(loss: Double(loss), trace: trace ? lastTrace(network, training: training) : nil)
    }

    public func layerGradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool) throws(ModelError) -> LayerGradients {
        let network = try built(.layerGradients)
        try checkInputs(inputs, network, op: .layerGradients)
        try checkBatch(inputs, network, op: .layerGradients, training: training)
        let answer = network.layerGradients(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self), training: training)
        return LayerGradients(
            loss: Double(answer.loss), inputs: answer.inputGradients.map { $0.converted(to: Double.self) },
            outputs: answer.outputGradients.map { $0.converted(to: Double.self) }, masks: masks(network, training: training))
    }

    public func layerForward(_ layer: Int, inputs: Tensor<Double>, training: Bool, mask: Tensor<Double>?) throws(ModelError) -> Tensor<Double> {
        let network = try built(.layerForward)
        guard network.architecture.layers.indices.contains(layer),
              Array(inputs.shape.dropFirst()) == network.architecture.layers[layer].inputShape, (inputs.shape.first ?? 0) >= 1 else {
            throw .failed(.layerForward, "no layer \(layer) taking inputs of shape \(inputs.shape)")
        }
        if training, case .dropout = network.architecture.layers[layer].spec, mask?.shape != inputs.shape {
            throw .failed(.layerForward, "a dropout layer in training mode needs a mask shaped as its input \(inputs.shape)")
        }
        return network.forward(layer: layer, inputs: inputs.converted(to: Scalar.self), training: training, mask: mask?.converted(to: Scalar.self))
            .converted(to: Double.self)
    }

    public func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        let network = try built(.lossFromLayer)
        let layers = network.architecture.layers
        let shape = layer < layers.count ? layers[max(layer, 0)].inputShape : network.architecture.outputShape
        guard (0...layers.count).contains(layer), Array(inputs.shape.dropFirst()) == shape else {
            throw .failed(.lossFromLayer, "no layer \(layer) taking inputs of shape \(inputs.shape)")
        }
        return Double(network.loss(
            fromLayer: layer, inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)))
    }

    public func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) {
        let network = try built(.initialState)
        do { try network.setInitialStates(states?.mapValues { $0.converted(to: Scalar.self) }) } catch {
            throw .failed(.initialState, error.description)
        }
        initialStateSamples = states.flatMap { $0.values.first?.hidden.shape.first }
    }

    /// Replays another implementation's dropout masks in this model's training-mode passes until
    /// called with `nil`, so that both compute the same function.
    ///
    /// - Throws: ``ModelError/failed(_:_:)`` when the masks do not fit the network's dropout layers.
    public func replayDropoutMasks(_ masks: [Int: Tensor<Double>]?) throws(ModelError) {
        let network = try built(.step)
        do { try network.replayDropoutMasks(masks?.mapValues { $0.converted(to: Scalar.self) }) } catch {
            throw .failed(.step, error.description)
        }
    }

    private func built(_ op: ModelOp) throws(ModelError) -> Network<Scalar> {
        guard let network else { throw .failed(op, "no network has been built") }
        return network
    }

    /// The dropout masks of the last pass, in training mode.
    private func masks(_ network: Network<Scalar>, training: Bool) -> [Int: Tensor<Double>] {
        training ? network.dropoutMasks.mapValues { $0.converted(to: Double.self) } : [:]
    }

    /// The trace of the last pass: every layer's output as the network recorded it, and its masks.
    private func lastTrace(_ network: Network<Scalar>, training: Bool) -> Trace {
        Trace(outputs: network.lastOutputs.map { $0.converted(to: Double.self) }, masks: masks(network, training: training))
    }

    /// Refuses inputs of the wrong shape as a value, where the engine would stop the program.
    private func checkInputs(_ inputs: Tensor<Double>, _ network: Network<Scalar>, op: ModelOp) throws(ModelError) {
        guard Array(inputs.shape.dropFirst()) == network.architecture.inputShape, (inputs.shape.first ?? 0) >= 1 else {
            throw .failed(op, "inputs of shape \(inputs.shape) do not match the network's input \(network.architecture.inputShape)")
        }
        if let initialStateSamples, inputs.shape[0] != initialStateSamples {
            throw .failed(op, "a batch of \(inputs.shape[0]) sample(s), but the initial states are for \(initialStateSamples)")
        }
    }

    /// Refuses a training-mode batch that batch normalisation cannot normalise (one value per
    /// channel), as PyTorch does.
    private func checkBatch(_ inputs: Tensor<Double>, _ network: Network<Scalar>, op: ModelOp, training: Bool) throws(ModelError) {
        guard training else { return }
        for layer in network.architecture.layers {
            guard case .batchNorm = layer.spec else { continue }
            let values = inputs.shape[0] * layer.inputShape.dropFirst().reduce(1, *)
            if values < 2 {
                throw .failed(op, "batchnorm at layer \(layer.index) needs more than one value per channel in training mode; the batch has \(inputs.shape[0]) sample(s)")
            }
        }
    }
}
