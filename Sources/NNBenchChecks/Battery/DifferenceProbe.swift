import NNBenchModel

/// Central differences of a loss along one direction, with kinks told apart from errors.
///
/// An entry whose central difference disagrees with the analytic value is re-evaluated: the
/// perturbation crossed a kink (relu at 0, a tie in max pooling), where the derivative is not
/// defined, when the central difference at half the step differs from the one at the step (a
/// smooth function gives both within O(h²) and rounding: the kink lies between h/2 and h), or when
/// the one-sided differences disagree with each other and the analytic value lies between them
/// (the kink lies near the point itself, where both central differences average the two slopes).
/// Such an entry is skipped and counted rather than failed; a wrong derivative away from kinks
/// passes neither test.
struct DifferenceProbe {
    /// The loss at the unperturbed point.
    let baseLoss: Double
    let tolerances: Tolerances
    /// Perturbations skipped because they crossed a kink.
    private(set) var kinks = 0

    init(baseLoss: Double, tolerances: Tolerances) {
        self.baseLoss = baseLoss
        self.tolerances = tolerances
    }

    /// Compares `analytic` with the central difference of `evaluate`.
    ///
    /// - Parameters:
    ///   - analytic: The derivative to check.
    ///   - evaluate: Given a signed step, the loss there and the step the model really took
    ///     (its precision rounds the perturbed values).
    /// - Returns: The relative error `|a − n| / max(|a|, |n|, floor)` and the numerical value, or
    ///   `nil` for a kink.
    mutating func compare(
        _ analytic: Double, evaluate: (Double) throws(ModelError) -> (loss: Double, step: Double)
    ) throws(ModelError) -> (error: Double, numerical: Double)? {
        let h = tolerances.step
        let (up, upStep) = try evaluate(h)
        let (down, downStep) = try evaluate(-h)
        let numerical = (up - down) / (upStep - downStep)
        let floor = tolerances.gradientFloor
        let error = Swift.abs(analytic - numerical) / Swift.max(Swift.abs(analytic), Swift.abs(numerical), floor)
        guard error > tolerances.gradientError else { return (error, numerical) }
        let (halfUp, halfUpStep) = try evaluate(h / 2)
        let (halfDown, halfDownStep) = try evaluate(-h / 2)
        let half = (halfUp - halfDown) / (halfUpStep - halfDownStep)
        if Swift.abs(half - numerical) > tolerances.gradientError * Swift.max(Swift.abs(half), Swift.abs(numerical), floor) {
            kinks += 1
            return nil
        }
        let right = (up - baseLoss) / upStep, left = (baseLoss - down) / -downStep
        let scale = Swift.max(Swift.abs(right), Swift.abs(left), floor)
        let slack = 0.1 * Swift.abs(right - left) + tolerances.gradientError * scale
        if Swift.abs(right - left) > tolerances.gradientError * scale,
           analytic >= Swift.min(left, right) - slack, analytic <= Swift.max(left, right) + slack {
            kinks += 1
            return nil
        }
        return (error, numerical)
    }
}
