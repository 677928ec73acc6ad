import NNBenchEngine

/// The ops of `PROTOCOL.md` and nnbench's optional additions.
public enum ModelOp: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hello, build, getParams = "get_params", setParams = "set_params", forward, loss, gradients, step, trace
    /// d loss / d (input of each layer): ``CheckableModel/layerInputGradients(inputs:targets:)``.
    case layerGradients = "layer_gradients"
    /// ``CheckableModel/loss(fromLayer:inputs:targets:)``.
    case lossFromLayer = "loss_from_layer"

    /// The op's protocol name.
    public var description: String { rawValue }
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
    /// The ops it answers; `hello`, `build`, `get_params`, `set_params`, `forward` and `loss` are required.
    public var ops: Set<ModelOp>
    /// The layer types it can build (`dense`, `relu`, ...), or `nil` when it does not say.
    public var layerTypes: Set<String>?

    /// Creates a model description.
    public init(name: String, precision: Precision, ops: Set<ModelOp>, layerTypes: Set<String>? = nil) {
        self.name = name
        self.precision = precision
        self.ops = ops
        self.layerTypes = layerTypes
    }
}

/// Why a model did not answer an op: a value the checks report, never a crash.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model does not offer this op; checks that need it are skipped.
    case unsupported(ModelOp)
    /// The model refused the request or failed (`ok: false` with its reason).
    case failed(ModelOp, String)

    public var description: String {
        switch self {
        case .unsupported(let op): "the model does not support '\(op)'"
        case .failed(let op, let reason): "'\(op)' failed: \(reason)"
        }
    }
}
