import NNBenchDatasets
import NNBenchEngine

/// A neural-network implementation under test, seen through the ops of the model protocol
/// (`docs/protocol.md`).
///
/// Every check talks to the model only through this protocol, so the same checks serve nnbench's
/// own engine (`EngineModel`), a Swift model in its author's tests, and a program in another
/// language behind the wire protocol (`ProtocolModel`). Values are Double tensors whatever the
/// model's precision; the model converts them. Each op returns its answer or throws a
/// ``ModelError``: an op the model does not offer throws ``ModelError/unsupported(_:)`` and the
/// checks that need it are skipped.
///
/// The model holds one network at a time, the one of the last ``build(_:loss:seed:)``.
public protocol CheckableModel: AnyObject {
    /// The model's name, precision, protocol version, ops and the types it builds (`hello`).
    func hello() throws(ModelError) -> ModelInfo

    /// Builds a network and initialises its weights from `seed` (`build`).
    ///
    /// - Returns: Every parameter's name and shape in layer order (`0.weight`, `0.bias`, ...),
    ///   and every buffer (batchnorm's running statistics) marked as not trainable.
    func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape]

    /// Every parameter's and buffer's current value, by name (`get_params`).
    func parameters() throws(ModelError) -> [String: Tensor<Double>]

    /// Replaces every parameter and buffer, and empties the optimizer's state (`set_params`).
    func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError)

    /// The raw output of the last layer and, with `trace`, every layer's output in order and,
    /// in training mode, the dropout masks of that pass (`forward`).
    func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult

    /// The mean loss of a batch in evaluation mode (`loss`).
    func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double

    /// The loss and d loss / d parameter for every trainable parameter, for one pass in the given
    /// mode, with that pass's trace when asked (`gradients`).
    func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult

    /// Forward in the given mode, backward, and one update of the model's own optimizer, with
    /// that pass's trace when asked (`step`).
    func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult

    /// d loss / d (input) and d loss / d (output) of every layer, for one pass in the given mode
    /// (`layer_gradients`).
    func layerGradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool) throws(ModelError) -> LayerGradients

    /// One layer alone applied to `inputs`, changing nothing (`layer_forward`): in training mode,
    /// batchnorm uses the batch's statistics without moving its buffers and dropout uses `mask`.
    func layerForward(_ layer: Int, inputs: Tensor<Double>, training: Bool, mask: Tensor<Double>?) throws(ModelError) -> Tensor<Double>

    /// The loss, in evaluation mode, of the layers from `layer` on, fed `inputs` in place of the
    /// output of layer `layer − 1`; with `layer` the number of layers, the loss of `inputs` as
    /// the network's output (`loss_from_layer`).
    func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double

    /// Makes every later `forward`, `loss` and `gradients` start the recurrent layers from these
    /// states instead of zeros (PyTorch's `h0`, `c0`), until called again; `gradients` then also
    /// answers d loss / d (initial state) (the `initial_state` field, version 2).
    ///
    /// - Parameter states: By recurrent layer index, `hidden` (and an LSTM's `cell`) `[n, units]`
    ///   for batches of `n`; `nil` for zeros (the protocol's default, sent as nothing).
    func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError)
}

extension CheckableModel {
    /// Unsupported unless the model offers it.
    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        throw .unsupported(.gradients)
    }

    /// Unsupported unless the model offers it.
    public func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        throw .unsupported(.step)
    }

    /// Unsupported unless the model offers it.
    public func layerGradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool) throws(ModelError) -> LayerGradients {
        throw .unsupported(.layerGradients)
    }

    /// Unsupported unless the model offers it.
    public func layerForward(_ layer: Int, inputs: Tensor<Double>, training: Bool, mask: Tensor<Double>?) throws(ModelError) -> Tensor<Double> {
        throw .unsupported(.layerForward)
    }

    /// Unsupported unless the model offers it.
    public func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        throw .unsupported(.lossFromLayer)
    }

    /// Unsupported unless the model offers it; `nil` (zeros) is what every model does.
    public func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) {
        if states != nil { throw .unsupported(.initialState) }
    }

    /// The loss and parameter gradients of an evaluation-mode pass, without a trace.
    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> GradientResult {
        try gradients(inputs: inputs, targets: targets, training: false, trace: false)
    }

    /// One training-mode step without a trace.
    ///
    /// - Returns: The loss before the update.
    @discardableResult
    public func step(inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec) throws(ModelError) -> Double {
        try step(inputs: inputs, targets: targets, optimizer: optimizer, training: true, trace: false).loss
    }
}
