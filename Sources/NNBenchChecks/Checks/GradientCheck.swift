import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The gradient check: every parameter's analytic gradient (`gradients`) against central
/// differences of the model's own loss, entry by entry, or along random directions for large
/// models, each held to the bound of ``DerivativeProbe``: the analytic value's rounding, the loss's
/// own rounding noise (estimated at the point, ``NoiseEstimate``) divided by the step, and the
/// difference's truncation. Perturbations that cross a kink (a relu input changing sign, a
/// max-pooling window's maximum moving: ``KinkPattern``, from the model's trace) are shortened, or
/// skipped when every one crosses it.
///
/// When every compared value is off by one factor, the factor is named: it belongs to the loss's
/// gradient or to something every layer shares (−1: a sign; the batch size: a sum for a mean).
struct GradientCheck: Check {
    let name = "gradient"
    let summary = "analytic parameter gradients equal central differences of the loss (per entry, or directional for large models)"
    let requiredOps: [ModelOp] = [.gradients]
    /// Above this many parameter values, compare directional derivatives instead of every entry.
    var directionalAbove = 2000
    /// The number of random directions in directional mode.
    var directions = 8

    /// A direction in parameter space: for each parameter in the model's order, its entries'
    /// weights. An array rather than a dictionary, so that sums over it have one order on every run.
    typealias Direction = [(name: String, entries: [(index: Int, weight: Double)])]

    /// The worst comparison so far: its load, where, and both values.
    struct Worst {
        var load = 0.0, place = "", analytic = 0.0, numerical = 0.0

        mutating func keep(_ load: Double, at place: @autoclosure () -> String, analytic: Double, numerical: Double) {
            guard load > self.load || load.isNaN else { return }
            self = Worst(load: load.isNaN ? .infinity : load, place: place(), analytic: analytic, numerical: numerical)
        }
    }

    /// The model at fixed weights, initial states and batch: the loss moved along a direction.
    struct Probe {
        let context: CheckContext
        /// Every parameter's value and, under ``InitialStates/name(layer:part:)`` names, every
        /// initial state's.
        let base: [String: Tensor<Double>]
        /// The names in ``base`` that are initial states, not parameters; empty for zeros.
        let stateNames: Set<String>
        let batch: (inputs: Tensor<Double>, targets: Tensor<Double>)
        let resolved: [ResolvedLayer]
        /// Whether kink patterns can be read: the architecture has kinks and the model traces.
        let tracesKinks: Bool
        /// Over the protocol, where a relu `rnn` returns only its last step: the architecture up
        /// to its last recurrent layer with every one returning its whole sequence
        /// (``CheckContext/sequenceProbe``), whose trace shows every step's hidden state.
        var hiddenProbe: ModelSpec? = nil

        /// The loss with the parameters (and initial states) moved by `amount` along `direction`,
        /// the length of the move the model really made (on the direction's largest entry, after
        /// its rounding), and the pass's kink pattern when asked for and available.
        func evaluate(along direction: Direction, by amount: Double, pattern: Bool) throws(ModelError) -> DerivativeProbe.Evaluation {
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
            try context.model.setParameters(values.filter { !stateNames.contains($0.key) })
            if !stateNames.isEmpty { try context.model.setInitialStates(InitialStates.states(from: values)) }
            let loss = try context.model.loss(inputs: batch.inputs, targets: batch.targets)
            var kinks: KinkPattern?
            if pattern && tracesKinks, let trace = try context.model.forward(batch.inputs, training: false, trace: true).trace {
                kinks = KinkPattern(layers: resolved, inputs: batch.inputs, outputs: trace.outputs, hiddenSequences: try hiddenSequences(values))
            }
            return DerivativeProbe.Evaluation(value: loss, step: largest.moved / largest.weight, pattern: kinks)
        }

        /// Every step's hidden state of the last pass's recurrent layers, by layer index, for the
        /// kinks of a relu `rnn` that returns only its last step: an earlier step's kink bends the
        /// loss as much as the last one's. The engine keeps them (``HiddenSequenceSource``); over
        /// the protocol the model shows them itself: ``hiddenProbe`` built with the same
        /// `values`, traced, and the model built back as it was. `[:]` where no step is hidden.
        private func hiddenSequences(_ values: [String: Tensor<Double>]) throws(ModelError) -> [Int: Tensor<Double>] {
            if let source = context.model as? any HiddenSequenceSource { return source.hiddenSequences }
            guard let hiddenProbe else { return [:] }
            let model = context.model
            let names = Set(try model.build(hiddenProbe, loss: .mse, seed: context.seed).map(\.name))
            try model.setParameters(values.filter { names.contains($0.key) })
            if !stateNames.isEmpty { try model.setInitialStates(InitialStates.states(from: values)) }
            let outputs = try model.forward(batch.inputs, training: false, trace: true).trace?.outputs ?? []
            let rebuilt = Set(try model.build(context.modelSpec, loss: context.loss, seed: context.seed).map(\.name))
            try model.setParameters(values.filter { rebuilt.contains($0.key) })
            if !stateNames.isEmpty { try model.setInitialStates(InitialStates.states(from: values)) }
            var hidden: [Int: Tensor<Double>] = [:]
            for layer in resolved where layer.index < outputs.count {
                if case .rnn(_, .relu, false, _) = layer.spec { hidden[layer.index] = outputs[layer.index] }
            }
            return hidden
        }
    }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().filter(\.trainable).map(\.name)
        let outcome = try compare(context, order: order, batch: context.batch(4), loss: context.loss, outputWidth: context.task.outputWidth)
        // A recurrent architecture is checked through time too, unless it already failed.
        guard outcome.status == .passed, let throughTime = ThroughTime(context) else { return outcome }
        return try throughTime.run(then: outcome, self)
    }

    /// The comparison on the network `context` has just built, with `states` as its recurrent
    /// layers' initial states (`nil`: zeros); `lossTerms` is how many terms the loss averages,
    /// for the floor of its rounding noise (``NoiseEstimate/sigma(step:precision:terms:_:)``).
    func compare(
        _ context: CheckContext, order parameterOrder: [String], batch: (inputs: Tensor<Double>, targets: Tensor<Double>), loss: Loss,
        outputWidth: Int, states: [Int: RecurrentState<Double>]? = nil, lossTerms: Int = 1
    ) throws(ModelError) -> CheckOutcome {
        let model = context.model
        let parameters = try model.parameters()
        if let states { try model.setInitialStates(states) }
        var analytic = try model.gradients(inputs: batch.inputs, targets: batch.targets)
        defer { try? model.setParameters(parameters) }
        var base = parameters
        var order = parameterOrder
        if let states {
            let named = InitialStates.named(states)
            let gradients = InitialStates.named(analytic.initialStateGradients)
            guard Set(gradients.keys) == Set(named.keys) else {
                throw .failed(.gradients, "expected d loss / d (initial state) for \(named.keys.sorted()), got \(gradients.keys.sorted())")
            }
            base.merge(named) { $1 }
            analytic.gradients.merge(gradients) { $1 }
            order += named.keys.sorted()
        }
        let resolved: [ResolvedLayer]
        do { resolved = try context.modelSpec.resolve(outputWidth: nil).layers } catch { throw .failed(.build, error.description) }
        let tracesKinks = KinkPattern.exists(in: resolved) && context.info.ops.contains(.trace)
        let hidesSteps = resolved.contains { if case .rnn(_, .relu, false, _) = $0.spec { true } else { false } }
        let probe = Probe(
            context: context, base: base, stateNames: Set(order.filter(InitialStates.isName)), batch: batch, resolved: resolved,
            tracesKinks: tracesKinks,
            hiddenProbe: tracesKinks && hidesSteps && !(model is any HiddenSequenceSource) ? context.sequenceProbe : nil)
        let tolerances = Tolerances(precision: context.precision)
        let noise = try NoiseEstimate.sigma(step: tolerances.step / 10, precision: context.precision, terms: lossTerms) { amount throws(ModelError) in
            try probe.evaluate(along: randomDirection(order, base, seed: context.seed, index: UInt64.max), by: amount, pattern: false).value
        }
        // The noise estimate leaves the model moved along its direction: the base loss is read
        // back at the point itself, or the one-sided differences that tell a kink would be
        // skewed by the move over the step, and a wrong analytic value could pass as a kink.
        let baseLoss = try probe.evaluate(along: [], by: 0, pattern: false).value
        var derivative = DerivativeProbe(tolerances: tolerances, base: baseLoss, noise: noise)
        var fit = ScaleFit()
        var failing: [String] = []
        var measurements: [CheckMeasurement] = []
        let total = order.reduce(0) { $0 + base[$1]!.count }
        let entryWise = total <= directionalAbove
        let worst = entryWise
            ? try compareEntries(
                order, analytic: analytic, probe: probe, derivative: &derivative, fit: &fit, failing: &failing, measurements: &measurements)
            : try compareDirections(order, analytic: analytic, probe: probe, derivative: &derivative, fit: &fit, measurements: &measurements)
        let mode = entryWise ? "\(total) entries" : "\(directions) directions over \(total) values"
        var notes = ["\(mode), step \(short(tolerances.step)), relative \(short(tolerances.relative)), loss noise σ \(short(noise))"]
        if derivative.kinks > 0 { notes.append("\(derivative.kinks) value(s) skipped: every segment crossed a kink (a relu at 0, a max-pool tie)") }
        let figure = "error/bound \(short(worst.load))"
        guard worst.load <= 1 else {
            let scale = fit.commonScale
            let shared = scale.map { "; every compared value is \(short($0))× the numerical one: the loss's gradient, or a factor every layer shares" } ?? ""
            let layer = Int(worst.place.split(separator: " ").dropFirst().first ?? "").flatMap { context.layers.indices.contains($0) ? $0 : nil }
            let symptom: Symptom = scale != nil
                ? .lossGradient(loss, scale: scale, batch: batch.inputs.shape[0], outputs: outputWidth)
                : layer.map { .parameterGradient(of: context.layers[$0], parameter: worst.place) } ?? .gradientMismatch
            var outcome = CheckOutcome.failed(
                figure, bound: "≤ 1",
                "worst at \(worst.place): analytic \(short(worst.analytic)), numerical \(short(worst.numerical))\(shared)",
                symptom, load: worst.load, notes: notes, at: location(scale: scale, order: order, failing: failing, context: context))
            outcome.measurements = measurements
            return outcome
        }
        if worst.load > 0 {
            notes.append("worst at \(worst.place): analytic \(short(worst.analytic)), numerical \(short(worst.numerical))")
        }
        var outcome = CheckOutcome.passed(figure, bound: "≤ 1", load: worst.load, notes: notes)
        outcome.measurements = measurements
        return outcome
    }

    /// A comparison as a ``CheckMeasurement``: relative to `max(|a|, |n|)`.
    private static func measurement(
        _ name: String, layer: Int?, analytic: Double, _ comparison: DerivativeProbe.Comparison
    ) -> CheckMeasurement {
        let scale = Swift.max(Swift.abs(analytic), Swift.abs(comparison.numerical))
        let error = Swift.abs(analytic - comparison.numerical)
        return scale > 0
            ? CheckMeasurement(kind: .gradient, name: name, layer: layer, error: error / scale, bound: comparison.bound / scale)
            : CheckMeasurement(kind: .gradient, name: name, layer: layer, error: error.isNaN ? .nan : 0, bound: .infinity)
    }

    /// Where the failing gradients put the bug: the loss for a factor every value shares; else,
    /// entry by entry, the place ``GradientLocation`` reads from which parameters have a failing
    /// entry; `nil` for directional derivatives, which mix every parameter.
    private func location(scale: Double?, order: [String], failing: [String], context: CheckContext) -> BugLocation? {
        if scale != nil { return .loss }
        guard !failing.isEmpty else { return nil }
        return GradientLocation(parameters: order, differing: failing, layerCount: context.layers.count).location(in: context)
    }

    /// Every entry of every parameter against its own central difference; `failing` gets the
    /// parameters with an entry beyond the bound, in the model's order, and `measurements` each
    /// parameter's entry of largest load.
    private func compareEntries(
        _ order: [String], analytic: GradientResult, probe: Probe, derivative: inout DerivativeProbe, fit: inout ScaleFit,
        failing: inout [String], measurements: inout [CheckMeasurement]
    ) throws(ModelError) -> Worst {
        var worst = Worst()
        for name in order {
            var tensorWorst: (load: Double, measurement: CheckMeasurement)?
            defer { if let tensorWorst { measurements.append(tensorWorst.measurement) } }
            guard let gradient = analytic.gradients[name] else {
                throw .failed(.gradients, "no gradient for parameter '\(name)'")
            }
            let scale = gradient.maxAbs
            for i in 0..<gradient.count {
                guard let comparison = try derivative.compare(gradient.scalars[i], scale: scale, evaluate: { amount, pattern throws(ModelError) in
                    try probe.evaluate(along: [(name, [(i, 1)])], by: amount, pattern: pattern)
                }) else { continue }
                fit.add(analytic: gradient.scalars[i], numerical: comparison.numerical, load: comparison.load)
                if !(comparison.load <= 1), failing.last != name { failing.append(name) }
                let load = comparison.load.isNaN ? .infinity : comparison.load
                if tensorWorst.map({ load > $0.load }) ?? true {
                    tensorWorst = (load, Self.measurement(name, layer: GradientLocation.layer(of: name), analytic: gradient.scalars[i], comparison))
                }
                worst.keep(
                    comparison.load, at: probe.context.describe(parameter: name) + gradient.position(i), analytic: gradient.scalars[i],
                    numerical: comparison.numerical)
            }
        }
        return worst
    }

    /// Directional derivatives vᵀJu along ``directions`` random unit directions (normal entries,
    /// from the check's seed), for models too large to compare entry by entry.
    private func compareDirections(
        _ order: [String], analytic: GradientResult, probe: Probe, derivative: inout DerivativeProbe, fit: inout ScaleFit,
        measurements: inout [CheckMeasurement]
    ) throws(ModelError) -> Worst {
        var worst = Worst()
        for direction in 0..<directions {
            let vector = randomDirection(order, probe.base, seed: probe.context.seed, index: UInt64(direction))
            var value = 0.0, magnitude = 0.0
            for (name, entries) in vector {
                for (i, u) in entries {
                    let term = (analytic.gradients[name]?.scalars[i] ?? 0) * u
                    value += term
                    magnitude += Swift.abs(term)
                }
            }
            // The dot product's rounding scales with the sum of its terms' magnitudes.
            guard let comparison = try derivative.compare(value, scale: magnitude, evaluate: { amount, pattern throws(ModelError) in
                try probe.evaluate(along: vector, by: amount, pattern: pattern)
            }) else { continue }
            fit.add(analytic: value, numerical: comparison.numerical, load: comparison.load)
            measurements.append(Self.measurement("direction \(direction + 1) (vᵀJu)", layer: nil, analytic: value, comparison))
            worst.keep(comparison.load, at: "random direction \(direction + 1) (vᵀJu)", analytic: value, numerical: comparison.numerical)
        }
        return worst
    }

    /// A unit direction over every parameter, normal entries from the stream `(seed,
    /// "check/gradient-directions")` at `index`.
    private func randomDirection(_ order: [String], _ base: [String: Tensor<Double>], seed: UInt64, index: UInt64) -> Direction {
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "check/gradient-directions"), index: index)
        var vector: Direction = []
        var squares = 0.0
        for name in order {
            vector.append((name, (0..<base[name]!.count).map { i in
                let u = stream.normal()
                squares += u * u
                return (i, u)
            }))
        }
        let scale = 1 / squares.squareRoot()
        return vector.map { ($0.name, $0.entries.map { ($0.index, $0.weight * scale) }) }
    }
}
