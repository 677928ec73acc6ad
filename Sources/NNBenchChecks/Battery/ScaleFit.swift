/// Whether the values a check compared are all off by one common factor, as a wrong loss
/// gradient (or anything every layer shares) makes them: the least-squares factor
/// `c = Σ a·n / Σ n²` of the pairs (analytic, numerical), kept when every pair is within 5 % of
/// `a = c·n` and `c` is at least 5 % away from 1. A wrong formula scatters the pairs; a shared
/// factor lines them up.
struct ScaleFit {
    private var pairs: [(analytic: Double, numerical: Double)] = []
    private var failed = false

    /// Adds a comparison; `load` above 1 marks it as failed.
    mutating func add(analytic: Double, numerical: Double, load: Double) {
        pairs.append((analytic, numerical))
        if load > 1 { failed = true }
    }

    /// The common factor, when the comparisons failed and share one.
    var commonScale: Double? {
        guard failed else { return nil }
        let product = pairs.reduce(0) { $0 + $1.analytic * $1.numerical }
        let squares = pairs.reduce(0) { $0 + $1.numerical * $1.numerical }
        guard squares > 0 else { return nil }
        let scale = product / squares
        let largest = pairs.map { Swift.abs($0.numerical) }.max() ?? 0
        // Values far below the largest are lost in rounding whatever the factor: they are not held to it.
        let fits = pairs.allSatisfy { pair in
            Swift.abs(pair.analytic - scale * pair.numerical) <= 0.05 * Swift.max(Swift.abs(pair.analytic), Swift.abs(scale * pair.numerical), 1e-3 * largest)
        }
        return fits && Swift.abs(scale - 1) > 0.05 ? scale : nil
    }
}
