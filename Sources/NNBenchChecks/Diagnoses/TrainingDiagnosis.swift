import NNBenchEngine

/// One thing a training run's own measurements say is wrong with how it trains (not with the
/// code): a rate too high or too low, dead or saturated units, vanishing gradients, a frozen
/// layer. A warning: it never changes a run's numbers or a command's exit status.
///
/// Every rule, its definition, threshold and source: docs/diagnoses.md.
public struct TrainingDiagnosis: Sendable, Hashable, Codable {
    /// The rule's name, e.g. `update-ratio`, `dead-units`, `vanishing-gradients`.
    public var name: String
    /// What it was measured on: a tensor (`0.weight`), a layer (`layer 1 (relu)`), `training loss`.
    public var subject: String
    /// The figure measured (a ratio, a fraction, a relative change).
    public var value: Double
    /// The threshold it crossed, as text: `within [1e-06, 1]`.
    public var threshold: String
    /// One line: what was measured and what to try.
    public var message: String

    /// Creates a diagnosis.
    public init(name: String, subject: String, value: Double, threshold: String, message: String) {
        self.name = name
        self.subject = subject
        self.value = value
        self.threshold = threshold
        self.message = message
    }
}
