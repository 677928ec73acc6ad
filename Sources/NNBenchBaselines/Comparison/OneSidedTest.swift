import NNBenchHarness

/// The statistical rule that decides whether a result is worse than its baseline.
///
/// With baseline values `b₁…bₙ` (one per seed: mean `b̄`, sample standard deviation `s`) and
/// current values with mean `c̄` over `m` seeds, the result is worse when
///
///     (c̄ − b̄) · direction  >  t(0.99, n − 1) · max(s, floor) · √(1/n + 1/m)
///
/// where `direction` is +1 when lower is better, −1 when higher is better: a one-sided Student t
/// test at the 1 % level of "the current mean is no worse than the baseline's", whose tolerance
/// comes from the spread across the baseline's seeds, as MLPerf's reference convergence points
/// bound a submission's epochs to converge. "Better" is the same test the other way round.
///
/// A spread of zero (every seed gave the same value: epochs to target all 1, accuracy all 1.0)
/// does not mean "no tolerance": the metric is quantised (whole epochs; one sample of the split
/// for accuracy), so the spread is floored at the standard deviation of a rounding to that
/// quantum, `q / √12`. Continuous metrics (MSE, R²) are floored at Float's relative precision,
/// `2⁻²³ · |b̄|`. With a single baseline seed the spread is unknown: the floor is used with
/// the normal quantile, 2.3263. The quantiles are computed, not tabulated (``StudentT``):
/// `t(0.99, 4) = 3.7469` for the default suite's five seeds.
public struct OneSidedTest: Sendable, Hashable {
    /// The largest difference, in the worse direction, that is not a regression.
    public let tolerance: Double

    /// The confidence `1 − α` of the test at significance level `α` = 1 %: a worsening beyond the
    /// tolerance arises by chance alone with probability below `α`.
    static let confidence = 0.99

    /// The one-sided 99 % quantile `t(0.99, ν)` of Student's t with `degrees` degrees of freedom
    /// (``StudentT``); with none (a single baseline seed), the normal quantile, 2.3263.
    static func quantile(degrees: Int) -> Double {
        degrees < 1 ? StudentT.normalQuantile(confidence) : StudentT.quantile(confidence, degrees: degrees)
    }

    /// Derives the tolerance.
    ///
    /// - Parameters:
    ///   - baseline: The baseline's values, one per seed.
    ///   - currentCount: The number of current values.
    ///   - quantum: The metric's resolution (1 for epochs, 1/samples for accuracy), or `nil` for a
    ///     continuous metric.
    public init(baseline: [Double], currentCount: Int, quantum: Double?) {
        let summary = Summary(baseline)
        let floor = quantum.map { $0 / 12.0.squareRoot() } ?? abs(summary.mean) * 0x1p-23
        let spread = max(summary.standardDeviation ?? 0, floor)
        let scale = (1 / Double(baseline.count) + 1 / Double(max(currentCount, 1))).squareRoot()
        tolerance = Self.quantile(degrees: baseline.count - 1) * spread * scale
    }
}
