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
/// the normal quantile 2.326.
public struct OneSidedTest: Sendable, Hashable {
    /// The largest difference, in the worse direction, that is not a regression.
    public let tolerance: Double

    /// One-sided 99 % quantiles of Student's t for 1 to 30 degrees of freedom.
    static let quantiles: [Double] = [
        31.821, 6.965, 4.541, 3.747, 3.365, 3.143, 2.998, 2.896, 2.821, 2.764, 2.718, 2.681, 2.650, 2.624, 2.602,
        2.583, 2.567, 2.552, 2.539, 2.528, 2.518, 2.508, 2.500, 2.492, 2.485, 2.479, 2.473, 2.467, 2.462, 2.457,
    ]

    /// The one-sided 99 % quantile of Student's t with `degrees` degrees of freedom; above 30,
    /// the value at the next tabulated point below (40, 60, 120), which is slightly larger and so
    /// errs on the side of fewer false alarms; the normal quantile with none.
    static func quantile(degrees: Int) -> Double {
        switch degrees {
        case ..<1: return 2.326
        case 1...30: return quantiles[degrees - 1]
        case 31..<60: return 2.423
        case 60..<120: return 2.390
        default: return 2.358
        }
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

/// The mean and sample standard deviation of a metric over seeds.
public struct Summary: Sendable, Hashable {
    /// The mean.
    public let mean: Double
    /// The sample standard deviation (divisor n − 1); `nil` for a single value.
    public let standardDeviation: Double?
    /// The number of values.
    public let count: Int

    /// Summarises values, summed in order (the same values give the same bits).
    ///
    /// - Parameter values: At least one value.
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "a summary needs at least one value")
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let mean = self.mean
        standardDeviation = values.count > 1
            ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot() : nil
    }
}
