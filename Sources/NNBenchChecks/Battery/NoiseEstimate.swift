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
///
/// The estimate is never below one unit in the last place of `f`'s value in the model's
/// precision. Steps that small move a float32 loss by a few ulps, so neighbouring values share
/// their rounding and the differences see less noise than a derivative's step meets: on moons'
/// `dense(16) relu dense(16) relu dense(1)`, seed 46, the estimate was 1.1e-8 while the float32
/// loss's error against float64 at the same weights was ±6e-8 (0.8 ulp of 0.68, σ ≈ 4.5e-8). The
/// last rounding of the loss alone is 0.29 ulp (uniform on ±½ ulp); a mean over a batch carries a
/// dozen such roundings, `√12 × 0.29 ≈ 1` ulp. At the central-difference step (1e-2 in float32)
/// the floor adds 3 ulp/h ≈ 2e-5 to a bound whose relative part is 1e-3 of the gradient; it
/// matters only where a kink shortens the step a thousandfold.
enum NoiseEstimate {
    /// The number of evaluations.
    static let points = 9

    /// The estimated standard deviation of `f`'s rounding noise around 0.
    ///
    /// - Parameters:
    ///   - step: The spacing `β` of the points, in the units of `f`'s argument.
    ///   - precision: The precision `f` is computed in, for the floor.
    ///   - terms: How many rounded terms `f` averages, for the floor: `0.29·√terms` ulp (each
    ///     term's last rounding is uniform on ±½ ulp, 0.29 ulp, and independent roundings add in
    ///     quadrature), never below 1 ulp. The default, 1, is the 1-ulp floor; a loss over every
    ///     step of a sequence passes its count (the check through time on temporal-order's
    ///     `gru(16)`: 4 samples × 30 steps × 16 units = 1920 terms, 12.7 ulp; counted as 1, the
    ///     floor let 3 of its 40 correct float32 runs fail, at loads 1.03 to 1.82).
    ///   - f: The function, evaluated at `−4β … 4β`.
    static func sigma(step: Double, precision: Precision, terms: Int = 1, _ f: (Double) throws(ModelError) -> Double) throws(ModelError) -> Double {
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
        let value = Swift.abs(values[points / 2])
        let ulp = precision == .float32 ? Double(Float(value).ulp) : value.ulp
        return Swift.max(estimates.max() ?? 0, ulp * Swift.max(1, 0.29 * Double(terms).squareRoot()))
    }

    private static func factorial(_ n: Int) -> Double {
        (1...Swift.max(n, 1)).reduce(1.0) { $0 * Double($1) }
    }
}
