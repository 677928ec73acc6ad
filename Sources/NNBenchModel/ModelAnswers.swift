import NNBenchEngine

/// A parameter or buffer as `build` announces it.
public struct ParameterShape: Sendable, Hashable {
    /// `L.weight`, `L.bias`, `L.running_mean`, ...
    public var name: String
    /// The shape, as `docs/protocol.md`'s layer table gives it.
    public var shape: [Int]
    /// Whether gradients and optimizers update it: `false` for a buffer.
    public var trainable: Bool

    /// Creates a parameter description.
    public init(name: String, shape: [Int], trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
    }
}

/// What one pass computed inside the network: every layer's output in order and, in training
/// mode, the multipliers each dropout layer used.
public struct Trace: Sendable, Hashable {
    /// Every layer's output, `[n] +` its output shape, in order; the last is the network's output.
    public var outputs: [Tensor<Double>]
    /// By dropout layer index, its mask (0 or `1 / (1 − rate)` per value, shaped as its input):
    /// empty in evaluation mode.
    public var masks: [Int: Tensor<Double>]

    /// Creates a trace.
    public init(outputs: [Tensor<Double>], masks: [Int: Tensor<Double>] = [:]) {
        self.outputs = outputs
        self.masks = masks
    }
}

/// The answer to `forward`.
public struct ForwardResult: Sendable {
    /// The last layer's raw output.
    public var output: Tensor<Double>
    /// The pass's trace, when one was asked for.
    public var trace: Trace?

    /// Creates a forward answer.
    public init(output: Tensor<Double>, trace: Trace? = nil) {
        self.output = output
        self.trace = trace
    }
}

/// The answer to `gradients`.
public struct GradientResult: Sendable {
    /// The loss of the batch.
    public var loss: Double
    /// d loss / d parameter, by name, for every trainable parameter.
    public var gradients: [String: Tensor<Double>]
    /// The pass's trace, when one was asked for.
    public var trace: Trace?
    /// d loss / d (initial state) of every recurrent layer, by layer index, when the pass started
    /// from given states (``CheckableModel/setInitialStates(_:)``); empty otherwise.
    public var initialStateGradients: [Int: RecurrentState<Double>]

    /// Creates a gradients answer.
    public init(
        loss: Double, gradients: [String: Tensor<Double>], trace: Trace? = nil, initialStateGradients: [Int: RecurrentState<Double>] = [:]
    ) {
        self.loss = loss
        self.gradients = gradients
        self.trace = trace
        self.initialStateGradients = initialStateGradients
    }
}

/// The answer to `step`.
public struct StepResult: Sendable {
    /// The loss before the update.
    public var loss: Double
    /// The trace of the step's forward pass, when one was asked for.
    public var trace: Trace?

    /// Creates a step answer.
    public init(loss: Double, trace: Trace? = nil) {
        self.loss = loss
        self.trace = trace
    }
}

/// The answer to `layer_gradients`.
public struct LayerGradients: Sendable {
    /// The loss of the batch.
    public var loss: Double
    /// For each layer in order, d loss / d (its input), shaped as that input.
    public var inputs: [Tensor<Double>]
    /// For each layer in order, d loss / d (its output), shaped as that output.
    public var outputs: [Tensor<Double>]
    /// In training mode, the dropout masks of the pass, by layer index.
    public var masks: [Int: Tensor<Double>]

    /// Creates a layer-gradients answer.
    public init(loss: Double, inputs: [Tensor<Double>], outputs: [Tensor<Double>], masks: [Int: Tensor<Double>] = [:]) {
        self.loss = loss
        self.inputs = inputs
        self.outputs = outputs
        self.masks = masks
    }
}
