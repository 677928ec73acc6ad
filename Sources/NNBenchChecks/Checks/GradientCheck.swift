import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The gradient check: every parameter's analytic gradient (`gradients`) against central
/// differences of the model's own loss, entry by entry, or along random directions for large models.
///
/// Relative error `|a − n| / max(|a|, |n|, floor)` with the step, floor and bound of
/// ``Tolerances`` for the model's precision. Kinks (relu at 0, ties in max pooling) make the
/// central difference meaningless: an entry that fails is re-evaluated with one-sided differences,
/// and when those disagree with each other while the analytic value lies between them, the
/// perturbation crossed a kink; it is skipped and counted in the notes, not reported as a failure.
struct GradientCheck: Check {
    let name = "gradient"
    let summary = "analytic parameter gradients equal central differences (per entry, or directional for large models)"
    let requiredOps: [ModelOp] = [.gradients]
    /// Above this many parameter values, compare directional derivatives instead of every entry.
    var directionalAbove = 2000
    /// The number of random directions in directional mode.
    var directions = 8

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().map(\.name)
        let batch = context.batch(4)
        let model = context.model
        let base = try model.parameters()
        let analytic = try model.gradients(inputs: batch.inputs, targets: batch.targets)
        let tolerances = Tolerances(precision: context.precision)
        let baseLoss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        var probe = DifferenceProbe(baseLoss: baseLoss, tolerances: tolerances)
        /// The loss with the parameters moved by `amount` along `direction`, and the length of the
        /// move the model really made (on the direction's largest entry, after its rounding).
        func loss(along direction: [String: [(Int, Double)]], by amount: Double) throws(ModelError) -> (Double, Double) {
            var values = base
            var largest = (weight: 0.0, moved: 0.0)
            for (name, entries) in direction {
                for (i, weight) in entries {
                    let original = base[name]!.scalars[i]
                    let moved = context.precision.rounded(original + amount * weight)
                    values[name]!.scalars[i] = moved
                    if Swift.abs(weight) > Swift.abs(largest.weight) { largest = (weight, moved - original) }
                }
            }
            try model.setParameters(values)
            return (try model.loss(inputs: batch.inputs, targets: batch.targets), largest.moved / largest.weight)
        }
        defer { try? model.setParameters(base) }
        let total = order.reduce(0) { $0 + base[$1]!.count }
        var worst = (error: 0.0, place: "", analytic: 0.0, numerical: 0.0)
        if total <= directionalAbove {
            for name in order {
                guard let gradient = analytic.gradients[name] else {
                    throw .failed(.gradients, "no gradient for parameter '\(name)'")
                }
                for i in 0..<gradient.count {
                    guard let (error, numerical) = try probe.compare(gradient.scalars[i], evaluate: { amount throws(ModelError) in
                        try loss(along: [name: [(i, 1)]], by: amount)
                    }) else { continue }
                    if error > worst.error || error.isNaN {
                        worst = (error.isNaN ? .infinity : error, context.describe(parameter: name) + gradient.position(i), gradient.scalars[i], numerical)
                    }
                }
            }
        } else {
            var stream = RandomStream(key: StreamKey.make(seed: context.seed, purpose: "check/gradient-directions"), index: 0)
            for direction in 0..<directions {
                var vector: [String: [(Int, Double)]] = [:]
                var squares = 0.0
                for name in order {
                    vector[name] = (0..<base[name]!.count).map { i in
                        let u = stream.normal()
                        squares += u * u
                        return (i, u)
                    }
                }
                let scale = 1 / squares.squareRoot()
                vector = vector.mapValues { $0.map { ($0.0, $0.1 * scale) } }
                var derivative = 0.0
                for (name, entries) in vector {
                    for (i, u) in entries { derivative += (analytic.gradients[name]?.scalars[i] ?? 0) * u }
                }
                guard let (error, numerical) = try probe.compare(derivative, evaluate: { amount throws(ModelError) in
                    try loss(along: vector, by: amount)
                }) else { continue }
                if error > worst.error || error.isNaN {
                    worst = (error.isNaN ? .infinity : error, "random direction \(direction + 1) (vᵀJu)", derivative, numerical)
                }
            }
        }
        let mode = total <= directionalAbove ? "\(total) entries" : "\(directions) directions over \(total) values"
        var notes = ["\(mode), step \(short(tolerances.step)), floor \(short(tolerances.gradientFloor))"]
        if probe.kinks > 0 { notes.append("\(probe.kinks) perturbation(s) crossed a kink (relu at 0, a max-pool tie) and were skipped") }
        let figure = "rel. error \(short(worst.error))"
        let bound = "≤ \(short(tolerances.gradientError))"
        guard worst.error <= tolerances.gradientError else {
            return .failed(
                figure, bound: bound,
                "worst at \(worst.place): analytic \(short(worst.analytic)), numerical \(short(worst.numerical))",
                .gradientMismatch, notes: notes)
        }
        return .passed(figure, bound: bound, notes: notes)
    }
}

