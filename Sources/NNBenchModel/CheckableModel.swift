import NNBenchDatasets
import NNBenchEngine

/// A neural-network implementation under test, seen through the ops of `PROTOCOL.md`.
///
/// Every check talks to the model only through this protocol, so the same checks serve nnbench's
/// own engine (``EngineModel``), a Swift model in its author's tests, and a program in another
/// language behind the wire protocol. Values are Double tensors whatever the model's precision;
/// the model converts them. Each op returns its answer or throws a ``ModelError``: an op the model
/// does not offer throws ``ModelError/unsupported(_:)`` and the checks that need it are skipped.
///
/// The model holds one network at a time, the one of the last ``build(_:loss:seed:)``.
public protocol CheckableModel: AnyObject {
    /// The model's name, precision and supported ops (`hello`).
    func hello() throws(ModelError) -> ModelInfo

    /// Builds a network and initialises its weights from `seed` (`build`).
    ///
    /// - Returns: The parameters' names and shapes, in layer order (`0.weight`, `0.bias`, ...).
    func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape]

    /// Every parameter's current value, by name (`get_params`).
    func parameters() throws(ModelError) -> [String: Tensor<Double>]

    /// Replaces every parameter and empties the optimizer's state (`set_params`).
    func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError)

    /// The raw output of the last layer and, with `trace`, every layer's output in order (`forward`).
    func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult

    /// The mean loss of a batch in evaluation mode (`loss`).
    func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double

    /// The loss and d loss / d parameter for every parameter, in evaluation mode (`gradients`).
    func gradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> GradientResult

    /// Forward in training mode, backward, and one update of the model's own optimizer (`step`).
    ///
    /// - Returns: The loss before the update.
    func step(inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec) throws(ModelError) -> Double

    /// d loss / d (input of each layer), in evaluation mode: nnbench's optional op
    /// `layer_gradients`, for the layer-by-layer input-gradient check.
    func layerInputGradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> [Tensor<Double>]

    /// The loss, in evaluation mode, of the layers from `layer` on, fed `inputs` in place of the
    /// output of layer `layer − 1`: nnbench's optional op `loss_from_layer`.
    func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double
}

extension CheckableModel {
    /// Unsupported unless the model offers it.
    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> GradientResult {
        throw .unsupported(.gradients)
    }

    /// Unsupported unless the model offers it.
    public func step(inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec) throws(ModelError) -> Double {
        throw .unsupported(.step)
    }

    /// Unsupported unless the model offers it.
    public func layerInputGradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> [Tensor<Double>] {
        throw .unsupported(.layerGradients)
    }

    /// Unsupported unless the model offers it.
    public func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        throw .unsupported(.lossFromLayer)
    }
}

/// A parameter as `build` announces it.
public struct ParameterShape: Sendable, Hashable {
    /// `L.weight`, `L.bias`, ...
    public var name: String
    /// The shape, as `PROTOCOL.md` gives it.
    public var shape: [Int]

    /// Creates a parameter description.
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// The answer to `forward`.
public struct ForwardResult: Sendable {
    /// The last layer's raw output.
    public var output: Tensor<Double>
    /// Every layer's output in order, when a trace was asked for.
    public var trace: [Tensor<Double>]?

    /// Creates a forward answer.
    public init(output: Tensor<Double>, trace: [Tensor<Double>]? = nil) {
        self.output = output
        self.trace = trace
    }
}

/// The answer to `gradients`.
public struct GradientResult: Sendable {
    /// The loss of the batch.
    public var loss: Double
    /// d loss / d parameter, by name, shaped as the parameters.
    public var gradients: [String: Tensor<Double>]

    /// Creates a gradients answer.
    public init(loss: Double, gradients: [String: Tensor<Double>]) {
        self.loss = loss
        self.gradients = gradients
    }
}
