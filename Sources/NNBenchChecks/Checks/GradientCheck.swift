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

    /// A direction in parameter space: for each parameter in the model's order, its entries'
    /// weights. An array rather than a dictionary, so that sums over it have one order on every run.
    typealias Direction = [(name: String, entries: [(index: Int, weight: Double)])]

    /// The worst comparison so far: its relative error, where, and both values.
    struct Worst {
        var error = 0.0, place = "", analytic = 0.0, numerical = 0.0

        mutating func keep(_ error: Double, at place: @autoclosure () -> String, analytic: Double, numerical: Double) {
            guard error > self.error || error.isNaN else { return }
            self = Worst(error: error.isNaN ? .infinity : error, place: place(), analytic: analytic, numerical: numerical)
        }
    }

    /// The model at fixed weights and batch: the loss moved along a direction.
    struct Probe {
        let context: CheckContext
        let base: [String: Tensor<Double>]
        let batch: (inputs: Tensor<Double>, targets: Tensor<Double>)

        /// The loss with the parameters moved by `amount` along `direction`, and the length of the
        /// move the model really made (on the direction's largest entry, after its rounding).
        func loss(along direction: Direction, by amount: Double) throws(ModelError) -> (Double, Double) {
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
            try context.model.setParameters(values)
            return (try context.model.loss(inputs: batch.inputs, targets: batch.targets), largest.moved / largest.weight)
        }
    }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().filter(\.trainable).map(\.name)
        let batch = context.batch(4)
        let model = context.model
        let base = try model.parameters()
        let analytic = try model.gradients(inputs: batch.inputs, targets: batch.targets)
        let tolerances = Tolerances(precision: context.precision)
        var difference = DifferenceProbe(baseLoss: try model.loss(inputs: batch.inputs, targets: batch.targets), tolerances: tolerances)
        let probe = Probe(context: context, base: base, batch: batch)
        defer { try? model.setParameters(base) }
        let total = order.reduce(0) { $0 + base[$1]!.count }
        let entryWise = total <= directionalAbove
        let worst = entryWise
            ? try compareEntries(order, analytic: analytic, probe: probe, difference: &difference)
            : try compareDirections(order, analytic: analytic, probe: probe, difference: &difference)
        let mode = entryWise ? "\(total) entries" : "\(directions) directions over \(total) values"
        var notes = ["\(mode), step \(short(tolerances.step)), floor \(short(tolerances.gradientFloor))"]
        if difference.kinks > 0 { notes.append("\(difference.kinks) perturbation(s) crossed a kink (relu at 0, a max-pool tie) and were skipped") }
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

    /// Every entry of every parameter against its own central difference.
    private func compareEntries(
        _ order: [String], analytic: GradientResult, probe: Probe, difference: inout DifferenceProbe
    ) throws(ModelError) -> Worst {
        var worst = Worst()
        for name in order {
            guard let gradient = analytic.gradients[name] else {
                throw .failed(.gradients, "no gradient for parameter '\(name)'")
            }
            for i in 0..<gradient.count {
                guard let (error, numerical) = try difference.compare(gradient.scalars[i], evaluate: { amount throws(ModelError) in
                    try probe.loss(along: [(name, [(i, 1)])], by: amount)
                }) else { continue }
                worst.keep(
                    error, at: probe.context.describe(parameter: name) + gradient.position(i), analytic: gradient.scalars[i],
                    numerical: numerical)
            }
        }
        return worst
    }

    /// Directional derivatives vᵀJu along ``directions`` random unit directions (normal entries,
    /// from the check's seed), for models too large to compare entry by entry.
    private func compareDirections(
        _ order: [String], analytic: GradientResult, probe: Probe, difference: inout DifferenceProbe
    ) throws(ModelError) -> Worst {
        var worst = Worst()
        var stream = RandomStream(key: StreamKey.make(seed: probe.context.seed, purpose: "check/gradient-directions"), index: 0)
        for direction in 0..<directions {
            var vector: Direction = []
            var squares = 0.0
            for name in order {
                vector.append((name, (0..<probe.base[name]!.count).map { i in
                    let u = stream.normal()
                    squares += u * u
                    return (i, u)
                }))
            }
            let scale = 1 / squares.squareRoot()
            vector = vector.map { ($0.name, $0.entries.map { ($0.index, $0.weight * scale) }) }
            var derivative = 0.0
            for (name, entries) in vector {
                for (i, u) in entries { derivative += (analytic.gradients[name]?.scalars[i] ?? 0) * u }
            }
            guard let (error, numerical) = try difference.compare(derivative, evaluate: { amount throws(ModelError) in
                try probe.loss(along: vector, by: amount)
            }) else { continue }
            worst.keep(error, at: "random direction \(direction + 1) (vᵀJu)", analytic: derivative, numerical: numerical)
        }
        return worst
    }
}
