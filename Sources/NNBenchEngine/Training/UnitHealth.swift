/// The one definition of a dead and of a saturated unit, used by a training run's observation
/// (``ActivationStatistics``), the `health` check and the training diagnoses.
///
/// - A ReLU unit is *dead* on a set of samples when its output is not positive on every one of
///   them: no sample passes it a gradient, so nothing trains its incoming weights.
/// - A tanh or sigmoid output is *saturated* when it is within 0.01 of the activation's limits,
///   where its derivative is a small fraction of its largest value: `|t| > 0.99` for tanh, where
///   `1 − t² < 1 − 0.99² ≈ 2 %` of the derivative at 0; `s` outside `[0.01, 0.99]` for sigmoid,
///   where `s(1 − s) < 0.0099 ≈ 4 %` of its largest value ¼.
///
/// Issue 14 suggested `|t| > 0.97` (a derivative below `1 − 0.97² ≈ 6 %`). 0.99 is kept: it is the
/// figure the `health` check's self-test margins were measured with (docs/checks.md), and a unit
/// whose derivative is 6 % of its best still passes a sixteenth of its gradient, which Adam's
/// per-parameter scaling largely makes up; at 2 % (a fiftieth) it has mostly stopped learning.
public enum UnitHealth {
    /// A tanh output is saturated above this magnitude: `1 − 0.99² ≈ 0.02` of the derivative's maximum.
    public static let tanhLimit = 0.99
    /// A sigmoid output is saturated below this value or above `1 −` it.
    public static let sigmoidLimit = 0.01

    /// The open interval outside which an activation's output counts as saturated, or `nil` for an
    /// activation that does not saturate (ReLU's positive side, GELU, softplus).
    ///
    /// - Parameter function: The activation layer.
    /// - Returns: `(low, high)`: an output `< low` or `> high` is saturated (NaN is neither).
    public static func saturationBounds(of function: LayerSpec) -> (low: Double, high: Double)? {
        switch function {
        case .tanh: (-tanhLimit, tanhLimit)
        case .sigmoid: (sigmoidLimit, 1 - sigmoidLimit)
        default: nil
        }
    }

    /// Whether one output is saturated: outside ``saturationBounds(of:)``.
    public static func isSaturated(_ output: Double, bounds: (low: Double, high: Double)) -> Bool {
        output < bounds.low || output > bounds.high
    }

    /// Whether a ReLU unit is dead given its largest output over the samples seen (NaN: never
    /// positive, so dead).
    public static func isDead(maximum: Double) -> Bool {
        !(maximum > 0)
    }
}
