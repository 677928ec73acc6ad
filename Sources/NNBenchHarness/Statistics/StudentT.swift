import Foundation
import NNBenchDatasets

/// Quantiles of Student's t distribution, and of its limit for infinitely many degrees of freedom,
/// the standard normal distribution.
///
/// The upper tail of t with `ν` degrees of freedom is, for `t ≥ 0` (Abramowitz & Stegun 26.7.1),
///
///     P(T > t) = ½ · I_x(ν/2, ½),   x = ν / (ν + t²),
///
/// with `I_x(a, b)` the regularized incomplete beta function, evaluated by its continued fraction
/// (DLMF 8.17.22), which converges quickly for `x < (a + 1)/(a + b + 2)`; above that, by the
/// symmetry `I_x(a, b) = 1 − I_{1−x}(b, a)` (DLMF 8.17.4). The fraction is evaluated by the
/// modified Lentz method (Thompson & Barnett, J. Comput. Phys. 64 (1986) 490; Press et al.,
/// *Numerical Recipes*, 3rd ed., §5.2 and §6.4), stopped when a step changes it by less than
/// 4 ulp. A quantile solves `P(T > t) = 1 − p` by Newton's method on the density
///
///     f(t) = (1 + t²/ν)^(−(ν+1)/2) / (√ν · B(ν/2, ½)),
///
/// safeguarded by bisection.
///
/// Accuracy: against SciPy, within 2e-14 relative for ν = 1…40, 50, 60, 100, 120, 1000 at
/// p = 0.99 and 0.95 (``StudentTTests``). For large ν the fraction's leading denominator
/// cancels, so the tail's relative error grows like `ε · ν / t²`, and the quantile's like that
/// times `P(T > t)/(t · f(t))`, about `1/t²`: 4e-10 at ν = 10⁹, p = 1 − 10⁻⁶. Near p = ½ a
/// quantile is only as accurate as `1 − p` is, `ε / (p − ½)` relative.
package enum StudentT {
    /// The `p` quantile of Student's t with `degrees` degrees of freedom: the `t` with
    /// `P(T ≤ t) = p`.
    ///
    /// - Parameters:
    ///   - p: A probability in (0, 1).
    ///   - degrees: The degrees of freedom, at least 1.
    package static func quantile(_ p: Double, degrees: Int) -> Double {
        precondition(degrees >= 1, "Student's t needs at least one degree of freedom, not \(degrees)")
        return solve(p) { upperTail($0, degrees: degrees) } density: { density($0, degrees: degrees) }
    }

    /// The `p` quantile of the standard normal distribution, the limit of ``quantile(_:degrees:)``
    /// for infinitely many degrees of freedom; its upper tail is `½ · erfc(z/√2)`.
    ///
    /// - Parameter p: A probability in (0, 1).
    package static func normalQuantile(_ p: Double) -> Double {
        solve(p) { Math.normalCDF(-$0) } density: { Math.normalPDF($0) }
    }

    /// `P(T > t)` for `t ≥ 0`.
    package static func upperTail(_ t: Double, degrees: Int) -> Double {
        let nu = Double(degrees)
        let (a, b) = (nu / 2, 0.5)
        // x = ν/(ν + t²) and 1 − x = t²/(ν + t²), each without the other's rounding; ln x through
        // log1p keeps a·ln x accurate when x is close to 1 and a is large.
        let (x, y) = (nu / (nu + t * t), t * t / (nu + t * t))
        let logScale = -a * log1p(t * t / nu) + b * log(y) - logBeta(degrees)
        if x < (a + 1) / (a + b + 2) {
            return 0.5 * exp(logScale) * continuedFraction(x, a, b) / a
        }
        return 0.5 * (1 - exp(logScale) * continuedFraction(y, b, a) / b)
    }

    /// The density `f(t)`.
    package static func density(_ t: Double, degrees: Int) -> Double {
        let nu = Double(degrees)
        return exp(-(nu + 1) / 2 * log1p(t * t / nu) - 0.5 * log(nu) - logBeta(degrees))
    }

    /// `ln B(ν/2, ½) = ln Γ(ν/2) + ln √π − ln Γ(ν/2 + ½)`. From ν = 32 on, the difference of the
    /// two ln Γ comes from its asymptotic expansion (DLMF 5.11.8 at h = ½ minus at h = 0),
    ///
    ///     ln Γ(a + ½) − ln Γ(a) ~ ½ ln a − 1/(8a) + 1/(192a³) − 1/(640a⁵) + 17/(14336a⁷) − 31/(18432a⁹),
    ///
    /// whose next term, 691/(180224a¹¹), is below 2e-16 there; two large ln Γ would each bring a
    /// rounding error of a few ulp of ln Γ(ν/2) (4.5e-13 at ν = 1000) that does not cancel.
    private static func logBeta(_ degrees: Int) -> Double {
        let a = Double(degrees) / 2
        guard a >= 16 else { return lgamma(a) + 0.5 * log(Double.pi) - lgamma(a + 0.5) }
        let r = 1 / (a * a)
        let series = (-1.0 / 8 + r * (1.0 / 192 + r * (-1.0 / 640 + r * (17.0 / 14336 + r * (-31.0 / 18432))))) / a
        return 0.5 * log(Double.pi) - 0.5 * log(a) - series
    }

    /// `1/(1 + d₁/(1 + d₂/(1 + …)))` of DLMF 8.17.22, so that
    /// `I_x(a, b) = x^a (1 − x)^b / (a · B(a, b))` times it, by the modified Lentz method.
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        // Lentz's guard against a zero denominator: far below any partial value, far above underflow.
        let tiny = 0x1p-1000
        var (value, c, d) = (1.0, 1.0, 0.0)
        // At most O(√max(a, b)) terms are needed below the switch-over point; the bound only stops
        // a runaway loop.
        for n in 1...100_000 {
            let m = Double(n / 2)
            let term = n.isMultiple(of: 2)
                ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + term * d
            c = 1 + term / c
            if abs(d) < tiny { d = tiny }
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = c * d
            value *= step
            if abs(step - 1) <= 4 * .ulpOfOne { break }
        }
        return 1 / value
    }

    /// The `z` with `upperTail(z) = 1 − p`, for a decreasing `upperTail` with value ½ at 0 and
    /// derivative `−density`, by Newton's method kept inside a bracket by bisection.
    private static func solve(
        _ p: Double, upperTail: (Double) -> Double, density: (Double) -> Double
    ) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs a probability in (0, 1), not \(p)")
        if p < 0.5 { return -solve(1 - p, upperTail: upperTail, density: density) }
        let alpha = 1 - p
        var (low, high) = (0.0, 1.0)
        while upperTail(high) > alpha { (low, high) = (high, 2 * high) }
        // From the left end Newton's steps on the convex tail rise monotonically to the root; the
        // bisection fallback only guards against rounding at the last steps.
        var z = low
        for _ in 0..<200 {
            let excess = upperTail(z) - alpha
            if excess == 0 { return z }
            if excess > 0 { low = z } else { high = z }
            var next = z + excess / density(z)
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - z) <= 4 * next.ulp || high - low <= 4 * high.ulp { return next }
            z = next
        }
        return z
    }
}
