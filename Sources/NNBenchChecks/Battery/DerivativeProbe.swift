import NNBenchModel

/// A derivative the model computed against central differences of the function it computes,
/// with a bound made of what separates the two in a correct model: rounding of the analytic
/// value, the function's own rounding noise divided by the step, and the difference's truncation.
///
/// For an analytic value `a` and a central difference `D(h) = (f(h) − f(−h))/2h` the bound is
///
///     ρ·max(|a|, |D|) + ρ·S + 3σ/h
///
/// with `ρ` the precision's relative allowance (``Tolerances/relative``), `S` the scale of the
/// values compared together (the largest analytic value of the tensor, so that a value far below
/// its neighbours is held to their rounding), and `σ` the function's rounding noise
/// (``NoiseEstimate``): `D(h)`'s noise has standard deviation `σ/(√2·h)`, so `3σ/h` is 4.2 of them.
/// A value past a quarter of its bound is looked at again. When the model can say where its kinks
/// are (``KinkPattern``), a segment `±h` that crosses one is shortened tenfold, up to three times,
/// and a value whose segments all cross one is skipped as a kink; where it cannot, or its pattern
/// misses some (``KinkPattern/isComplete``), a difference at half the step that disagrees with
/// the one at the step, or one-sided differences that straddle the analytic value, mark a kink. Otherwise the truncation `O(h²)` is removed by Richardson's
/// extrapolation `(4·D(h/2) − D(h))/3`, held to the same bound with the noise term doubled (its
/// noise is 1.9 times `D(h)`'s), and the better of the two comparisons counts.
struct DerivativeProbe {
    let tolerances: Tolerances
    /// The function's value at the point itself.
    let base: Double
    /// The standard deviation of the function's rounding noise.
    let noise: Double
    /// Values skipped because every segment crossed a kink.
    private(set) var kinks = 0

    /// Above this load, a comparison is looked at again: kinks, and the truncation extrapolated
    /// away. Below it neither can move a correct value past the bound's half.
    static let refineAbove = 0.25

    /// One evaluation of the function: its value, the step the model really took (its precision
    /// rounds the perturbed values), and its kink pattern when asked for and available.
    struct Evaluation {
        let value: Double
        let step: Double
        let pattern: KinkPattern?
    }

    /// The outcome of one comparison.
    struct Comparison {
        /// `|a − n|` as a fraction of the bound.
        let load: Double
        /// The numerical derivative compared with.
        let numerical: Double
        /// The bound `|a − n|` was held to.
        let bound: Double
    }

    init(tolerances: Tolerances, base: Double, noise: Double) {
        self.tolerances = tolerances
        self.base = base
        self.noise = noise
    }

    /// Compares `analytic` with central differences of `evaluate`.
    ///
    /// - Parameters:
    ///   - analytic: The derivative to check.
    ///   - scale: `S`, the largest analytic value compared together with this one.
    ///   - evaluate: Given a signed step and whether the kink pattern is wanted, the function
    ///     there.
    /// - Returns: The load and the numerical value, or `nil` for a kink.
    mutating func compare(
        _ analytic: Double, scale: Double, evaluate: (Double, Bool) throws(ModelError) -> Evaluation
    ) throws(ModelError) -> Comparison? {
        var h = tolerances.step
        for _ in 0..<4 {
            let (up, down) = (try evaluate(h, false), try evaluate(-h, false))
            let (numerical, halfStep) = difference(up, down)
            let firstBound = bound(analytic, numerical, scale: scale, halfStep: halfStep, noiseFactor: 3)
            let first = load(analytic, numerical, bound: firstBound)
            guard first > Self.refineAbove else { return Comparison(load: first, numerical: numerical, bound: firstBound) }
            let (patternUp, patternDown) = (try evaluate(h, true).pattern, try evaluate(-h, true).pattern)
            if let patternUp, let patternDown, patternUp != patternDown {
                h /= 10
                continue
            }
            let (halfUp, halfDown) = (try evaluate(h / 2, false), try evaluate(-h / 2, false))
            let (half, _) = difference(halfUp, halfDown)
            let extrapolated = (4 * half - numerical) / 3
            let secondBound = bound(analytic, extrapolated, scale: scale, halfStep: halfStep, noiseFactor: 6)
            let second = load(analytic, extrapolated, bound: secondBound)
            // Agreeing patterns rule a kink out only when they show every kink (``KinkPattern``).
            let seesEveryKink = patternUp?.isComplete == true && patternDown?.isComplete == true
            if !seesEveryKink, Swift.min(first, second) > 1,
               looksLikeKink(analytic, numerical, half, up: up, down: down, scale: scale, halfStep: halfStep) {
                break
            }
            return second <= first
                ? Comparison(load: second, numerical: extrapolated, bound: secondBound) : Comparison(load: first, numerical: numerical, bound: firstBound)
        }
        kinks += 1
        return nil
    }

    /// `|a − n|` as a fraction of the bound, with the noise term `factor·σ/h`.
    func load(_ analytic: Double, _ numerical: Double, scale: Double, halfStep: Double, noiseFactor: Double) -> Double {
        load(analytic, numerical, bound: bound(analytic, numerical, scale: scale, halfStep: halfStep, noiseFactor: noiseFactor))
    }

    /// The bound on `|a − n|`, with the noise term `factor·σ/h`.
    func bound(_ analytic: Double, _ numerical: Double, scale: Double, halfStep: Double, noiseFactor: Double) -> Double {
        let relative = tolerances.relative
        return relative * Swift.max(Swift.abs(analytic), Swift.abs(numerical)) + relative * scale
            + noiseFactor * noise / Swift.max(Swift.abs(halfStep), .leastNormalMagnitude)
    }

    /// `|a − n|` as a fraction of `bound`.
    private func load(_ analytic: Double, _ numerical: Double, bound: Double) -> Double {
        let error = Swift.abs(analytic - numerical)
        guard error.isFinite else { return .infinity }
        return bound > 0 ? error / bound : (error == 0 ? 0 : .infinity)
    }

    /// The central difference of two evaluations and the half distance between their points.
    private func difference(_ up: Evaluation, _ down: Evaluation) -> (Double, Double) {
        let distance = up.step - down.step
        return ((up.value - down.value) / distance, distance / 2)
    }

    /// Without kink patterns: the difference at half the step disagrees with the one at the step
    /// (the kink lies between them), or the one-sided differences disagree while the analytic
    /// value lies between them (the kink lies at the point itself).
    private func looksLikeKink(
        _ analytic: Double, _ numerical: Double, _ half: Double, up: Evaluation, down: Evaluation, scale: Double, halfStep: Double
    ) -> Bool {
        if load(half, numerical, scale: scale, halfStep: halfStep / 2, noiseFactor: 6) > 1 { return true }
        let right = (up.value - base) / up.step, left = (base - down.value) / -down.step
        guard load(right, left, scale: scale, halfStep: halfStep / 2, noiseFactor: 6) > 1 else { return false }
        let slack = 0.1 * Swift.abs(right - left)
        return analytic >= Swift.min(left, right) - slack && analytic <= Swift.max(left, right) + slack
    }
}
