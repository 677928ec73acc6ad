import NNBenchModel

/// The rounding noise of a function as the model computes it, estimated from its values at nearby
/// points (Moré and Wild's ECnoise: J. J. Moré and S. M. Wild, "Estimating computational noise",
/// SIAM J. Sci. Comput. 33(3), 2011).
///
/// A function computed in floating point is its exact value plus an error that varies from point
/// to point like noise. With `f` at `m + 1` equally spaced points `t₀ + kβ`, the `j`-th
/// differences `Δʲf` of a smooth function shrink like `βʲ` while those of the noise do not: for
/// independent noise of standard deviation `σ`, `E[(Δʲf)²] = σ²·(2j)!/(j!)²`. So
/// `σⱼ = √(γⱼ · mean((Δʲf)²))` with `γⱼ = (j!)²/(2j)!` estimates `σ` once `j` is past the smooth
/// part. With steps `β` small enough that the smooth part's third and higher differences are far
/// below the noise, the estimate is the largest of `σ₃`, `σ₄`, `σ₅`: the largest errs towards
/// more noise, which only widens a bound.
enum NoiseEstimate {
    /// The number of evaluations.
    static let points = 9

    /// The estimated standard deviation of `f`'s rounding noise around 0.
    ///
    /// - Parameters:
    ///   - step: The spacing `β` of the points, in the units of `f`'s argument.
    ///   - f: The function, evaluated at `−4β … 4β`.
    static func sigma(step: Double, _ f: (Double) throws(ModelError) -> Double) throws(ModelError) -> Double {
        var values: [Double] = []
        for k in 0..<points { values.append(try f(Double(k - points / 2) * step)) }
        guard values.allSatisfy(\.isFinite) else { return 0 }
        var differences = values
        var estimates: [Double] = []
        for j in 1...5 {
            differences = zip(differences.dropFirst(), differences).map { $0 - $1 }
            let gamma = factorial(j) * factorial(j) / factorial(2 * j)
            let meanSquare = differences.reduce(0) { $0 + $1 * $1 } / Double(differences.count)
            if j >= 3 { estimates.append((gamma * meanSquare).squareRoot()) }
        }
        return estimates.max() ?? 0
    }

    private static func factorial(_ n: Int) -> Double {
        (1...Swift.max(n, 1)).reduce(1.0) { $0 * Double($1) }
    }
}
