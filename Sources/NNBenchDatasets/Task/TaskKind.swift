/// What a task asks a model to predict; it fixes the loss and the metric.
public enum TaskKind: Sendable, Hashable {
    /// Real-valued targets of `outputs` values per sample, learnt with ``Loss/mse``.
    case regression(outputs: Int)
    /// Targets 0 or 1, one logit per sample, learnt with ``Loss/bceLogits``.
    case binary
    /// Class indices `0..<classes`, one logit per class, learnt with ``Loss/softmaxCrossEntropy``.
    case multiclass(classes: Int)

    /// The loss the task is meant for.
    public var loss: Loss {
        switch self {
        case .regression: return .mse
        case .binary: return .bceLogits
        case .multiclass: return .softmaxCrossEntropy
        }
    }

    /// The number of values the model's last layer must produce per sample.
    public var outputWidth: Int {
        switch self {
        case .regression(let outputs): return outputs
        case .binary: return 1
        case .multiclass(let classes): return classes
        }
    }

    /// The per-sample shape of the targets, as in docs/protocol.md: `[outputs]`, `[1]`, or `[]` for a
    /// class index.
    public var targetShape: [Int] {
        switch self {
        case .regression(let outputs): return [outputs]
        case .binary: return [1]
        case .multiclass: return []
        }
    }

    /// The metric that decides whether a model solved the task.
    public var primaryMetric: Metric {
        switch self {
        case .regression: return .mse
        case .binary, .multiclass: return .accuracy
        }
    }

    /// A short name: `regression`, `binary` or `multiclass`.
    public var name: String {
        switch self {
        case .regression: return "regression"
        case .binary: return "binary"
        case .multiclass: return "multiclass"
        }
    }
}

/// A loss, with the name and definition of the model protocol's "Losses" (`docs/protocol.md`); every loss is a mean over
/// the batch.
public enum Loss: String, Sendable, Hashable, CaseIterable, Codable {
    /// `(1 / (n*k)) * sum_ij (yhat_ij - y_ij)^2`.
    case mse
    /// `(1 / (n*k)) * sum_ij [max(z, 0) - z*y + log(1 + exp(-|z|))]`.
    case bceLogits = "bce_logits"
    /// `(1 / n) * sum_i [logsumexp_j(z_ij) - z_i,y_i]`.
    case softmaxCrossEntropy = "softmax_ce"
}

/// A measure of a model's predictions on a split.
public enum Metric: String, Sendable, Hashable, CaseIterable, Codable {
    /// The fraction of samples whose predicted class is the target class.
    case accuracy
    /// The mean squared error, over samples and outputs.
    case mse
    /// The coefficient of determination, 1 - MSE / variance of the targets.
    case r2

    /// Whether a larger value is better.
    public var higherIsBetter: Bool { self != .mse }
}
