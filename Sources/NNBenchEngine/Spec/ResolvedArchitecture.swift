/// A named tensor of a layer: a trainable parameter (`0.weight`) or a running statistic
/// (`1.running_mean`), with its shape and how it starts.
public struct TensorSpec: Sendable, Hashable, CustomStringConvertible {
    /// The protocol name, `L.weight`, where `L` is the layer's index.
    public let name: String
    /// The shape, exactly as docs/protocol.md gives it.
    public let shape: [Int]
    /// How the values start; the fans follow from ``shape`` (``Initializer/fans(ofWeightShape:)``).
    public let initializer: Initializer
    /// Blocks of values that start at a value of their own instead of ``initializer``'s draw:
    /// an LSTM's forget gate when its spec sets `forget_bias`; empty for every other tensor.
    public let constantBlocks: [ConstantBlock]

    /// Creates a tensor description.
    public init(name: String, shape: [Int], initializer: Initializer, constantBlocks: [ConstantBlock] = []) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
        self.constantBlocks = constantBlocks
    }

    /// The same tensor with `blocks` as its constant blocks.
    func with(_ blocks: [ConstantBlock]) -> TensorSpec {
        TensorSpec(name: name, shape: shape, initializer: initializer, constantBlocks: blocks)
    }

    /// The number of values.
    public var count: Int { shape.reduce(1, *) }

    /// `name [d0, d1]`.
    public var description: String { "\(name) \(shape)" }
}

/// A block of a tensor's values (flat, row-major) that starts at one value.
public struct ConstantBlock: Sendable, Hashable {
    /// The values' positions in the flat tensor.
    public let range: Range<Int>
    /// Their starting value.
    public let value: Double

    /// Creates a block.
    public init(range: Range<Int>, value: Double) {
        self.range = range
        self.value = value
    }
}

/// One layer with the shapes it works on.
public struct ResolvedLayer: Sendable, Hashable {
    /// The layer's index, activations included.
    public let index: Int
    /// The layer.
    public let spec: LayerSpec
    /// The shape of one input sample, without the batch dimension.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch dimension.
    public let outputShape: [Int]
    /// The trainable parameters, in protocol order (weight, then bias).
    public let parameters: [TensorSpec]
    /// State that is not trained: batchnorm's `running_mean` and `running_var`.
    public let state: [TensorSpec]

    /// Creates a resolved layer.
    public init(index: Int, spec: LayerSpec, inputShape: [Int], outputShape: [Int], parameters: [TensorSpec], state: [TensorSpec]) {
        self.index = index
        self.spec = spec
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.parameters = parameters
        self.state = state
    }
}

/// An architecture checked against an input shape: every layer's shapes and parameters.
public struct ResolvedArchitecture: Sendable, Hashable {
    /// The architecture.
    public let architecture: ArchitectureSpec
    /// The shape of one input sample.
    public let inputShape: [Int]
    /// The layers with their shapes.
    public let layers: [ResolvedLayer]

    /// Creates a resolved architecture; ``ArchitectureSpec/resolve(inputShape:outputWidth:)`` is
    /// the way to get a checked one.
    public init(architecture: ArchitectureSpec, inputShape: [Int], layers: [ResolvedLayer]) {
        self.architecture = architecture
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The shape of one output sample.
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }

    /// Every trainable parameter, in layer order: what the protocol's `build` answers.
    public var parameters: [TensorSpec] { layers.flatMap(\.parameters) }

    /// Every running statistic, in layer order.
    public var state: [TensorSpec] { layers.flatMap(\.state) }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
