import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// nnbench's own engine as a ``CheckableModel``: a `Network<Float>` or `Network<Double>` with the
/// engine's optimizers, optionally with an injected ``Fault``.
///
/// It offers every op, including the optional ones, so that every check runs on it.
public final class EngineModel<Scalar: EngineScalar>: CheckableModel {
    /// The bug injected into every network it builds, or `nil`.
    public let fault: Fault?
    private var network: Network<Scalar>?
    private var optimizer: NetworkOptimizer<Scalar>?

    /// Creates the adapter; ``build(_:loss:seed:)`` makes the network.
    ///
    /// - Parameter fault: A bug to inject, or `nil` for the correct engine.
    public init(fault: Fault? = nil) {
        self.fault = fault
    }

    public func hello() throws(ModelError) -> ModelInfo {
        let layerTypes: Set<String> = [
            "dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "softplus", "gelu", "dropout", "batchnorm",
            "conv2d", "maxpool2d", "avgpool2d", "flatten",
        ]
        let name = "nnbench-engine" + (fault.map { " with \($0)" } ?? "")
        return ModelInfo(
            name: name, precision: Scalar.self == Float.self ? .float32 : .float64, ops: Set(ModelOp.allCases),
            layerTypes: layerTypes)
    }

    public func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] {
        let resolved: ResolvedArchitecture
        do {
            resolved = try model.resolve(outputWidth: nil)
        } catch {
            throw .failed(.build, error.description)
        }
        network = Network(resolved, loss: loss, seed: seed, fault: fault)
        optimizer = nil
        return resolved.parameters.map { ParameterShape(name: $0.name, shape: $0.shape) }
    }

    public func parameters() throws(ModelError) -> [String: Tensor<Double>] {
        let network = try built(.getParams)
        return Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.value.converted(to: Double.self)) })
    }

    public func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) {
        let network = try built(.setParams)
        let expected = Set(network.parameters.map(\.name))
        guard Set(values.keys) == expected else {
            throw .failed(.setParams, "expected the parameters \(expected.sorted()), got \(values.keys.sorted())")
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
        let converted = inputs.converted(to: Scalar.self)
        if trace {
            let outputs = network.trace(converted, training: training).map { $0.converted(to: Double.self) }
            return ForwardResult(output: outputs.last!, trace: outputs)
        }
        return ForwardResult(output: network.forward(converted, training: training).converted(to: Double.self))
    }

    public func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        let network = try built(.loss)
        try checkInputs(inputs, network, op: .loss)
        return Double(network.loss(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)))
    }

    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> GradientResult {
        let network = try built(.gradients)
        try checkInputs(inputs, network, op: .gradients)
        let loss = network.gradients(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)).loss
        let gradients = Dictionary(uniqueKeysWithValues: network.gradients.map { ($0.name, $0.value.converted(to: Double.self)) })
        return GradientResult(loss: Double(loss), gradients: gradients)
    }

    public func step(inputs: Tensor<Double>, targets: Tensor<Double>, optimizer spec: OptimizerSpec) throws(ModelError) -> Double {
        let network = try built(.step)
        try checkInputs(inputs, network, op: .step)
        if optimizer?.spec != spec { optimizer = NetworkOptimizer(spec, network: network, fault: fault) }
        return Double(optimizer!.step(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)))
    }

    public func layerInputGradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> [Tensor<Double>] {
        let network = try built(.layerGradients)
        try checkInputs(inputs, network, op: .layerGradients)
        return network.layerInputGradients(inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self))
            .gradients.map { $0.converted(to: Double.self) }
    }

    public func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        let network = try built(.lossFromLayer)
        guard network.architecture.layers.indices.contains(layer),
              Array(inputs.shape.dropFirst()) == network.architecture.layers[layer].inputShape else {
            throw .failed(.lossFromLayer, "no layer \(layer) taking inputs of shape \(inputs.shape)")
        }
        return Double(network.loss(
            fromLayer: layer, inputs: inputs.converted(to: Scalar.self), targets: targets.converted(to: Scalar.self)))
    }

    private func built(_ op: ModelOp) throws(ModelError) -> Network<Scalar> {
        guard let network else { throw .failed(op, "no network has been built") }
        return network
    }

    /// Refuses inputs of the wrong shape as a value, where the engine would stop the program.
    private func checkInputs(_ inputs: Tensor<Double>, _ network: Network<Scalar>, op: ModelOp) throws(ModelError) {
        guard Array(inputs.shape.dropFirst()) == network.architecture.inputShape, (inputs.shape.first ?? 0) >= 1 else {
            throw .failed(op, "inputs of shape \(inputs.shape) do not match the network's input \(network.architecture.inputShape)")
        }
    }
}
