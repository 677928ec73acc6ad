import NNBenchDatasets
import NNBenchEngine

/// The ops of the model protocol (`docs/protocol.md`), by their protocol names.
public enum ModelOp: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hello, build, getParams = "get_params", setParams = "set_params", forward, loss, gradients, step, trace
    /// d loss / d input and output of every layer (version 2).
    case layerGradients = "layer_gradients"
    /// One layer alone (version 2).
    case layerForward = "layer_forward"
    /// The loss of the layers from one on (version 2).
    case lossFromLayer = "loss_from_layer"
    /// Not an op but a field: the `initial_state` of `forward`, `loss` and `gradients`, which
    /// starts the recurrent layers from given states, and `gradients`' `initial_state_grads`
    /// (version 2; `docs/protocol.md`, "Initial state").
    case initialState = "initial_state"

    /// The op's protocol name.
    public var description: String { rawValue }

    /// The ops every model answers; the others are optional and listed in `hello`.
    public static let required: Set<ModelOp> = [.hello, .build, .getParams, .setParams, .forward, .loss]

    /// The first protocol version that defines the op.
    public var version: Int {
        switch self {
        case .layerGradients, .layerForward, .lossFromLayer, .initialState: 2
        default: 1
        }
    }
}

/// The precision a model computes in, which sets the checks' tolerances.
public enum Precision: String, Sendable, Hashable, CaseIterable {
    /// IEEE single precision: unit roundoff 2⁻²⁴ ≈ 6e-8.
    case float32
    /// IEEE double precision: unit roundoff 2⁻⁵³ ≈ 1.1e-16.
    case float64

    /// The unit roundoff.
    public var roundoff: Double { self == .float32 ? 0x1p-24 : 0x1p-53 }

    /// The value as the model stores it: rounded to Float for a float32 model.
    public func rounded(_ value: Double) -> Double { self == .float32 ? Double(Float(value)) : value }
}

/// What a model says of itself in `hello`.
public struct ModelInfo: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// Its precision.
    public var precision: Precision
    /// The protocol version it speaks: 1 or 2 (``current``). Version 2 brings buffers, dropout
    /// masks, and `train` and `trace` on `gradients` and `step`.
    public var version: Int
    /// The ops it answers, the required ones (``ModelOp/required``) included.
    public var ops: Set<ModelOp>
    /// The layer types it can build (`dense`, `relu`, ...), or `nil` when it does not say.
    public var layerTypes: Set<String>?
    /// The losses it offers, or `nil` when it does not say.
    public var losses: Set<Loss>?
    /// The optimizer types it offers (`sgd`, `adam`, ...), or `nil` when it does not say.
    public var optimizers: Set<String>?

    /// The newest protocol version nnbench speaks.
    public static let current = 2
    /// The layer types version 1 defines: a version 1 program is never asked for another.
    public static let version1LayerTypes: Set<String> = [
        "dense", "relu", "tanh", "sigmoid", "identity", "leaky_relu", "conv2d", "maxpool2d", "flatten", "dropout",
    ]
    /// The optimizer types version 1 defines.
    public static let version1Optimizers: Set<String> = ["sgd", "adam"]

    /// Creates a model description.
    public init(
        name: String, precision: Precision, version: Int = ModelInfo.current, ops: Set<ModelOp>, layerTypes: Set<String>? = nil,
        losses: Set<Loss>? = nil, optimizers: Set<String>? = nil
    ) {
        self.name = name
        self.precision = precision
        self.version = version
        self.ops = ops.union(ModelOp.required)
        self.layerTypes = layerTypes
        self.losses = losses
        self.optimizers = optimizers
    }

    /// Whether the model offers every op of `ops`.
    public func offers(_ ops: some Sequence<ModelOp>) -> Bool { ops.allSatisfy(self.ops.contains) }
}

/// Why a model did not answer an op: a value the checks report, never a crash.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model does not offer this op; checks that need it are skipped.
    case unsupported(ModelOp)
    /// The model refused the request or failed (`ok: false` with its reason).
    case failed(ModelOp, String)
    /// The model speaks an older protocol version than `what` needs; checks that need it are skipped.
    case requiresVersion(Int, String)

    /// The request was never sent: the program had failed (exited, broken the protocol) at
    /// `failedOp` before. Not a refusal: a check must not report it as one.
    public static func notRun(_ op: ModelOp, failedAt failedOp: String) -> ModelError {
        .failed(op, notRunPrefix + "'\(failedOp)'")
    }

    /// Whether this is a ``notRun(_:failedAt:)`` error.
    public var isNotRun: Bool {
        if case .failed(_, let reason) = self { reason.hasPrefix(Self.notRunPrefix) } else { false }
    }

    private static let notRunPrefix = "not run: the program failed earlier, at "

    public var description: String {
        switch self {
        case .unsupported(let op): "the model does not support '\(op)'"
        // A request never sent did not fail: `'build' not run: the program failed earlier, at 'gradients'`.
        case .failed(let op, let reason): isNotRun ? "'\(op)' \(reason)" : "'\(op)' failed: \(reason)"
        case .requiresVersion(let version, let what): "\(what) needs protocol version \(version); the model speaks an earlier one"
        }
    }
}
