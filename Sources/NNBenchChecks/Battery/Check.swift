import NNBenchModel

/// One classic piece of advice for debugging a network, run against a ``CheckableModel``.
///
/// A check returns its outcome, or throws the ``ModelError`` the model answered with: the battery
/// turns an unsupported op into a skip and any other error into a result the model could not be
/// checked on.
protocol Check: Sendable {
    /// The name used by `--only` and in reports (`gradient`).
    var name: String { get }
    /// What the check verifies, in one line.
    var summary: String { get }
    /// The ops beyond the required ones that the check cannot do without.
    var requiredOps: [ModelOp] { get }

    /// Runs the check.
    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome
}

extension CheckContext {
    /// A layer in words for diagnoses: `layer 2 (relu)`.
    func describe(layer index: Int) -> String {
        layers.indices.contains(index) ? "layer \(index) (\(layers[index]))" : "layer \(index)"
    }

    /// The layer a parameter name (`2.weight`) belongs to, in words.
    func describe(parameter name: String) -> String {
        guard let index = Int(name.prefix { $0 != "." }) else { return name }
        return "\(describe(layer: index)) \(name)"
    }
}
