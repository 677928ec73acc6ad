/// One figure a check measured for one part of the model (a parameter tensor, a layer), with the
/// bound a correct implementation stays within: what `nnbench check --report` plots, per tensor
/// and per layer, behind the check's single decisive figure.
///
/// Both numbers are relative, so that parts of very different scales share one log axis:
/// - `gradient` (per parameter tensor, or per random direction for large models): the entry with
///   the largest error/bound, `|a − n| / max(|a|, |n|)` for its analytic value `a` and central
///   difference `n`, against its bound (``DerivativeProbe``) divided by the same `max(|a|, |n|)`;
///   when both are 0 the error is 0 and the bound infinite.
/// - `forward` (per layer output) and `backward` (per parameter gradient), from `reference` in
///   evaluation mode: the largest `|model − reference|` over the tensor divided by
///   `max(1, max |reference|)`, against ``Tolerances/reference``.
///
/// JSON: `{"kind": "gradient", "name": "0.weight", "layer": 0, "error": 3.1e-9, "bound": 2.4e-3}`
/// (`layer` left out for a direction); non-finite numbers as the protocol writes them.
public struct CheckMeasurement: Sendable, Hashable, Codable {
    /// What was compared with what.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A parameter's analytic gradient against central differences (`gradient`).
        case gradient
        /// A layer's output against the reference engine's (`reference`).
        case forward
        /// A parameter's gradient against the reference engine's (`reference`).
        case backward
    }

    /// What was compared.
    public var kind: Kind
    /// The part: a parameter (`0.weight`), a layer (`layer 2 (relu)`), a direction.
    public var name: String
    /// The index of the layer the part belongs to, if it belongs to one.
    public var layer: Int?
    /// The relative difference measured (see the type's description); infinite for a wrong shape.
    public var error: Double
    /// The bound a correct implementation stays within, in the same relative units.
    public var bound: Double

    /// Creates a measurement.
    public init(kind: Kind, name: String, layer: Int?, error: Double, bound: Double) {
        self.kind = kind
        self.name = name
        self.layer = layer
        self.error = error
        self.bound = bound
    }
}
