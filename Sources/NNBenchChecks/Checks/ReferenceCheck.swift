import NNBenchEngine
import NNBenchModel

/// Same weights, same answer: with the model's parameters copied into nnbench's Double reference
/// engine, every layer's output, the loss, the gradients and several optimizer steps of every
/// optimizer the protocol defines must agree within ``Tolerances/reference``. The first layer whose
/// output differs is named.
///
/// Networks with dropout or batchnorm are also compared in training mode (protocol version 2): the
/// model's pass comes with its own dropout masks, which the reference replays, so both compute the
/// same function; the optimizer steps are then taken under each step's masks, and batchnorm's
/// running statistics are compared after each step.
struct ReferenceCheck: Check {
    let name = "reference"
    let summary = "same weights, same answer as nnbench's reference engine: every layer, the loss, gradients, optimizer steps"
    let requiredOps: [ModelOp] = []

    /// The optimizers compared, three steps each. The eps of adam, adamw and rmsprop is raised to
    /// 1e-3 so that gradients at rounding level (which a float32 model gets with random signs, and
    /// a bias before batchnorm gets in any precision) move no weight by a whole lr: with eps 1e-8,
    /// g/(√v + eps) is ±1 for any g however small.
    static let optimizers: [OptimizerSpec] = [
        .sgd(learningRate: 0.1), .sgd(learningRate: 0.1, momentum: 0.9), .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true),
        .sgd(learningRate: 0.1, weightDecay: 0.1), .adam(learningRate: 0.01, epsilon: 1e-3),
        .adam(learningRate: 0.01, epsilon: 1e-3, weightDecay: 0.1), .adamW(learningRate: 0.01, epsilon: 1e-3, weightDecay: 0.1),
        .rmsprop(learningRate: 0.01, epsilon: 1e-3), .rmsprop(learningRate: 0.01, epsilon: 1e-3, momentum: 0.9, weightDecay: 0.1, centered: true),
    ]
    static let steps = 3

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let comparison = Comparison(tolerance: Tolerances(precision: context.precision).reference)
        var outcome = try compare(context, comparison: comparison)
        if outcome.status == .passed, context.sequenceProbe != nil {
            outcome = try compareEverySteps(context, comparison: comparison, after: outcome)
        }
        outcome.measurements = comparison.measurements
        return outcome
    }

    private func compare(_ context: CheckContext, comparison: Comparison) throws(ModelError) -> CheckOutcome {
        let order = try context.build().filter(\.trainable).map(\.name)
        let model = context.model, batch = context.batch(8)
        let initial = try model.parameters()
        let reference = try context.reference(holding: initial)
        var notes: [String] = []
        if let failure = try compareOutputs(context, reference: reference, batch: batch, comparison: comparison, notes: &notes) {
            return failure
        }
        let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let expectedLoss = reference.loss(inputs: batch.inputs, targets: batch.targets)
        if comparison.differs(loss, expectedLoss) {
            return .failed(
                "loss \(short(loss)) vs \(short(expectedLoss))", bound: comparison.bound,
                "the loss differs: \(short(loss)), reference \(short(expectedLoss))", .lossMismatch, at: .loss)
        }
        if context.info.ops.contains(.gradients) {
            if let failure = try compareGradients(context, reference: reference, batch: batch, comparison: comparison) { return failure }
            if let failure = try compareTrainingPass(context, initial: initial, batch: batch, comparison: comparison, notes: &notes) {
                return failure
            }
        } else {
            notes.append("no 'gradients' op: gradients not compared")
        }
        guard context.info.ops.contains(.step) else {
            notes.append("no 'step' op: optimizer steps not compared")
            return .passed("all equal", bound: comparison.bound, load: comparison.load, notes: notes)
        }
        if context.trainsDifferently && context.info.version < 2 {
            notes.append("dropout or batchnorm: optimizer steps not compared (they need the pass's masks, protocol 2)")
            return .passed("all equal", bound: comparison.bound, load: comparison.load, notes: notes)
        }
        let optimizers = Self.optimizers.filter(context.offers)
        if let failure = try compareSteps(
            context, optimizers: optimizers, order: order, initial: initial, batch: batch, comparison: comparison, notes: &notes)
        {
            return failure
        }
        try model.setParameters(initial)
        return .passed("all equal", bound: comparison.bound, load: comparison.load, notes: notes)
    }

    /// How far a value may be from the reference's: ``Tolerances/reference`` of the larger of 1
    /// and the reference tensor's largest value.
    final class Comparison {
        let tolerance: Double
        /// The largest difference so far as a fraction of its bound.
        private(set) var load = 0.0
        /// Each layer's output and each parameter's gradient in evaluation mode, as compared.
        private(set) var measurements: [CheckMeasurement] = []
        var bound: String { "≤ \(short(tolerance)) × max(1, |ref|)" }

        init(tolerance: Double) {
            self.tolerance = tolerance
        }

        /// The largest difference and where, when it is beyond the tolerance; a wrong shape is an
        /// infinite difference.
        ///
        /// - Parameter measuring: The kind and part to keep the comparison as a ``CheckMeasurement`` of.
        func differs(
            _ value: Tensor<Double>, _ expected: Tensor<Double>, measuring: (kind: CheckMeasurement.Kind, name: String, layer: Int?)? = nil
        ) -> (Double, Int)? {
            let scale = Swift.max(1, expected.maxAbs)
            guard value.shape == expected.shape else {
                if let measuring { measurements.append(.init(kind: measuring.kind, name: measuring.name, layer: measuring.layer, error: .infinity, bound: tolerance)) }
                return (.infinity, 0)
            }
            let (difference, index) = value.largestDifference(from: expected)
            let bound = tolerance * scale
            load = Swift.max(load, difference / bound)
            if let measuring {
                measurements.append(.init(kind: measuring.kind, name: measuring.name, layer: measuring.layer, error: difference / scale, bound: tolerance))
            }
            return difference > bound ? (difference, index) : nil
        }

        /// On a sequence `[n, steps, f]` (same shapes), the first time step with a value beyond
        /// the tolerance, as `; first at step t of T (from 0)`: where through time a forward pass
        /// goes wrong (a wrong first step, a wrong carry from one step to the next); empty for
        /// other shapes.
        func firstStep(_ value: Tensor<Double>, _ expected: Tensor<Double>) -> String {
            firstDifferingStep(value, expected).map { "; first at step \($0.step) of \($0.steps) (from 0)" } ?? ""
        }

        /// The first time step `t` of `steps` at which a `[n, T, units]` output differs, as
        /// ``firstStep(_:_:)`` words it; `nil` for other shapes or when none differs.
        func firstDifferingStep(_ value: Tensor<Double>, _ expected: Tensor<Double>) -> (step: Int, steps: Int)? {
            guard value.shape == expected.shape, expected.shape.count == 3 else { return nil }
            let (steps, width) = (expected.shape[1], expected.shape[2])
            let bound = tolerance * Swift.max(1, expected.maxAbs)
            let step = expected.scalars.indices.filter { !(Swift.abs(value.scalars[$0] - expected.scalars[$0]) <= bound) }
                .map { $0 / width % steps }.min()
            return step.map { ($0, steps) }
        }

        /// Whether two numbers differ beyond the tolerance, relative to the reference's.
        func differs(_ value: Double, _ expected: Double) -> Bool {
            let difference = Swift.abs(value - expected), bound = tolerance * Swift.max(1, Swift.abs(expected))
            load = Swift.max(load, difference.isNaN ? .infinity : difference / bound)
            return !(difference <= bound)
        }
    }

    /// Every layer's output, or the network's when the model cannot trace; the first that differs.
    /// Every layer is compared (and measured), so that the report shows the layers after it too.
    private func compareOutputs(
        _ context: CheckContext, reference: Network<Double>, batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        comparison: Comparison, notes: inout [String]
    ) throws(ModelError) -> CheckOutcome? {
        let expected = reference.trace(batch.inputs)
        if context.info.ops.contains(.trace), let trace = try context.model.forward(batch.inputs, training: false, trace: true).trace?.outputs {
            var failure: CheckOutcome?
            for (layer, (value, wanted)) in zip(trace, expected).enumerated() {
                let place = (kind: CheckMeasurement.Kind.forward, name: context.layers.indices.contains(layer) ? "layer \(layer) (\(context.layers[layer].name))" : "layer \(layer)", layer: Optional(layer))
                if let (difference, index) = comparison.differs(value, wanted, measuring: place), failure == nil {
                    failure = .failed(
                        "|Δ| \(short(difference)) at \(context.describe(layer: layer))", bound: comparison.bound,
                        "first differing layer: \(context.describe(layer: layer)) output\(wanted.position(index)) "
                            + "is \(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))"
                            + comparison.firstStep(value, wanted),
                        .forward(at: context.layers.indices.contains(layer) ? context.layers[layer] : nil, among: context.layers), at: context.location(layers: layer))
                }
            }
            return failure
        }
        notes.append("no trace: compared the network's output only")
        let output = try context.model.forward(batch.inputs, training: false, trace: false).output
        if let (difference, _) = comparison.differs(output, expected.last!) {
            return .failed(
                "|Δ| \(short(difference)) at the output", bound: comparison.bound, "the output differs; trace to find the layer",
                .forward(at: nil, among: context.layers))
        }
        return nil
    }

    /// Every parameter's gradient; the first that differs.
    private func compareGradients(
        _ context: CheckContext, reference: Network<Double>, batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        comparison: Comparison
    ) throws(ModelError) -> CheckOutcome? {
        let gradients = try context.model.gradients(inputs: batch.inputs, targets: batch.targets).gradients
        reference.gradients(inputs: batch.inputs, targets: batch.targets)
        return try gradientFailure(gradients, reference: reference, batch: batch, context: context, comparison: comparison, training: false)
    }

    /// The parameters whose gradients differ from the reference's last pass, reported at the one
    /// nearest the output: a backward pass carries a bug down to every layer below it, so the
    /// deepest wrong gradient sits just below the bug, and the correct ones above clear the rest.
    private func gradientFailure(
        _ gradients: [String: Tensor<Double>], reference: Network<Double>, batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        context: CheckContext, comparison: Comparison, training: Bool
    ) throws(ModelError) -> CheckOutcome? {
        var differing: [(name: String, difference: Double, index: Int, wanted: Tensor<Double>)] = []
        for (name, wanted) in reference.gradients {
            guard let value = gradients[name] else { throw .failed(.gradients, "no gradient for '\(name)'") }
            let place = training ? nil : (kind: CheckMeasurement.Kind.backward, name: name, layer: GradientLocation.layer(of: name))
            if let (difference, index) = comparison.differs(value, wanted, measuring: place) { differing.append((name, difference, index, wanted)) }
        }
        guard let last = differing.last, let value = gradients[last.name] else { return nil }
        let location = GradientLocation(parameters: reference.gradients.map(\.name), differing: differing.map(\.name), layerCount: context.layers.count)
        let place = try throughTime(location, reference: reference, batch: batch, context: context, comparison: comparison, training: training)
            ?? (location.sentence(describe: context.describe(layer:)), location.symptom(context.layers, loss: context.loss), location.location(in: context))
        return .failed(
            "|Δ| \(short(last.difference)) in d loss/d \(last.name)" + (training ? " (training)" : ""), bound: comparison.bound,
            (training ? "in training mode, under the model's own masks, " : "")
                + "the gradient of \(context.describe(parameter: last.name))\(last.wanted.position(last.index)) is "
                + "\(short(value.scalars[safe: last.index])), reference \(short(last.wanted.scalars[last.index])); " + place.sentence,
            place.symptom, at: place.location)
    }

    /// ``steps`` steps of each optimizer from the same weights, under the model's masks when it
    /// trains differently; the first parameter or buffer that differs after a step. An
    /// optimizer's steps are compared while the reference's stay within the model's range
    /// (``outOfRange(_:loss:precision:)``); the steps from the first that leaves it are not,
    /// and `notes` says which and why.
    private func compareSteps(
        _ context: CheckContext, optimizers: [OptimizerSpec], order: [String], initial: [String: Tensor<Double>],
        batch: (inputs: Tensor<Double>, targets: Tensor<Double>), comparison: Comparison, notes: inout [String]
    ) throws(ModelError) -> CheckOutcome? {
        let model = context.model
        var compared = 0
        defer {
            let masked = context.trainsDifferently ? ", under the model's own dropout masks" : ""
            let all = optimizers.count * Self.steps
            notes.append("\(optimizers.count) optimizers × \(Self.steps) steps\(masked)" + (compared < all ? ", \(compared) of the \(all) steps compared" : ""))
        }
        optimizers: for spec in optimizers {
            try model.setParameters(initial)
            let network = try context.reference(holding: initial)
            network.recordsOutputs = true
            let optimizer = NetworkOptimizer(spec, network: network)
            for step in 1...Self.steps {
                var reported: (model: Double, reference: Double)?
                if context.trainsDifferently {
                    let answer = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: spec, training: true, trace: true)
                    if let failure = try replay(answer.trace?.masks ?? [:], in: network, context: context) { return failure }
                } else {
                    let loss = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: spec)
                    reported = (loss, network.loss(inputs: batch.inputs, targets: batch.targets))
                }
                let before = optimizer.step(inputs: batch.inputs, targets: batch.targets)
                if let reason = Self.outOfRange(network, loss: before, precision: context.precision) {
                    notes.append(
                        "\(spec) step\(step < Self.steps ? "s \(step)–\(Self.steps)" : " \(step)") not compared: the reference's \(reason), "
                            + "beyond \(short(Self.comparableLimit(context.precision))), whose product \(context.precision.rawValue) cannot hold "
                            + "(the reference itself diverges from these weights, so a difference would say nothing)")
                    continue optimizers
                }
                if let reported, let failure = stepLossFailure(reported.model, expected: reported.reference, spec: spec, step: step, comparison: comparison) {
                    return failure
                }
                compared += 1
                let values = try model.parameters()
                let buffers = context.info.version >= 2 ? network.state : []
                let bufferNames = Set(buffers.map(\.name))
                for (name, wanted) in network.parameters + buffers {
                    guard let value = values[name] else { throw .failed(.getParams, "no parameter '\(name)'") }
                    if let (difference, index) = comparison.differs(value, wanted) {
                        // A buffer (batchnorm's running statistics) is moved by its layer's forward pass, not by the optimizer.
                        let buffer = bufferNames.contains(name)
                        let layer = GradientLocation.layer(of: name)
                        // Within range, the reference's value is finite: a non-finite one is the model's arithmetic.
                        let nonFinite = !value.scalars[safe: index].isFinite && value.shape == wanted.shape
                        return .failed(
                            "|Δ| \(short(difference)) after \(spec.name) step \(step)", bound: comparison.bound,
                            "\(spec) step \(step): \(buffer ? context.describe(parameter: name) : name)\(wanted.position(index)) is "
                                + "\(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))",
                            buffer ? .bufferUpdate : nonFinite ? .nonFiniteParameters : .step(of: spec, at: step),
                            at: buffer ? layer.map { context.location(layers: $0) } : .optimizer(rule: spec.name, spec: spec.description))
                    }
                }
            }
        }
        return nil
    }

    /// The loss a step reports is that of the batch it learns from, at the weights before it,
    /// which the reference holds: another finite value means the step learns from other data. A
    /// non-finite one, where the reference's is within range, is the model's numerics, not its
    /// data.
    private func stepLossFailure(_ reported: Double, expected: Double, spec: OptimizerSpec, step: Int, comparison: Comparison) -> CheckOutcome? {
        guard comparison.differs(reported, expected) else { return nil }
        guard reported.isFinite else {
            return .failed(
                "step loss \(short(reported)) vs \(short(expected))", bound: comparison.bound,
                "\(spec) step \(step) reports the loss \(short(reported)) before its update where the reference's at the same weights is "
                    + "\(short(expected)): the model overflows or divides by zero where the reference does not",
                .nonFiniteStep)
        }
        return .failed(
            "step loss \(short(reported)) vs \(short(expected))", bound: comparison.bound,
            "\(spec) step \(step) reports the loss \(short(reported)) before its update, but the batch's loss at those "
                + "weights is \(short(expected)): the step learns from other targets than the inputs'",
            .stepData, at: .data)
    }

    /// One training-mode pass, gradients and trace, against the reference under the same masks.
    private func compareTrainingPass(
        _ context: CheckContext, initial: [String: Tensor<Double>], batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        comparison: Comparison, notes: inout [String]
    ) throws(ModelError) -> CheckOutcome? {
        guard context.trainsDifferently else { return nil }
        guard context.info.version >= 2, context.info.ops.contains(.trace) else {
            notes.append("dropout or batchnorm: training mode not compared (it needs the pass's masks and trace, protocol 2)")
            return nil
        }
        defer { try? context.model.setParameters(initial) }
        let answer = try context.model.gradients(inputs: batch.inputs, targets: batch.targets, training: true, trace: true)
        guard let trace = answer.trace else { throw .failed(.gradients, "no trace in a 'gradients' answer with trace: true") }
        let reference = try context.reference(holding: initial)
        if let failure = try replay(trace.masks, in: reference, context: context) { return failure }
        reference.recordsOutputs = true
        let loss = reference.gradients(inputs: batch.inputs, targets: batch.targets, training: true).loss
        for (layer, (value, wanted)) in zip(trace.outputs, reference.lastOutputs).enumerated() {
            if let (difference, index) = comparison.differs(value, wanted) {
                return .failed(
                    "|Δ| \(short(difference)) at \(context.describe(layer: layer)) (training)", bound: comparison.bound,
                    "in training mode, under the model's own masks, \(context.describe(layer: layer)) output\(wanted.position(index)) "
                        + "is \(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))",
                    .forward(at: context.layers.indices.contains(layer) ? context.layers[layer] : nil, among: context.layers), at: context.location(layers: layer))
            }
        }
        if comparison.differs(answer.loss, loss) {
            return .failed(
                "training loss \(short(answer.loss)) vs \(short(loss))", bound: comparison.bound,
                "in training mode the loss differs: \(short(answer.loss)), reference \(short(loss))", .lossMismatch, at: .loss)
        }
        if let failure = try gradientFailure(
            answer.gradients, reference: reference, batch: batch, context: context, comparison: comparison, training: true)
        {
            return failure
        }
        notes.append("training mode compared under the model's own dropout masks")
        return nil
    }

    /// Makes the reference use the model's masks, after checking they are masks of inverted
    /// dropout (0 or `1 / (1 − rate)`, to the model's precision); a failure otherwise.
    private func replay(_ masks: [Int: Tensor<Double>], in network: Network<Double>, context: CheckContext) throws(ModelError) -> CheckOutcome? {
        var exact: [Int: Tensor<Double>] = [:]
        for (layer, mask) in masks {
            guard case .dropout(let rate) = context.layers[layer] else { continue }
            let kept = 1 / (1 - rate)
            // A float32 model holds 1/(1 − rate) rounded to Float.
            let slack = 4 * context.precision.roundoff * kept
            if let value = mask.scalars.first(where: { $0 != 0 && Swift.abs($0 - kept) > slack }) {
                return .failed(
                    "mask value \(short(value))", bound: "0 or \(short(kept))",
                    "the mask of \(context.describe(layer: layer)) holds \(short(value)); inverted dropout multiplies by 0 or 1/(1 − rate) = \(short(kept))",
                    .dropoutScale, at: context.location(layers: layer))
            }
            exact[layer] = Tensor(shape: mask.shape, scalars: mask.scalars.map { $0 == 0 ? 0 : kept })
        }
        do { try network.replayDropoutMasks(exact) } catch { throw .failed(.step, "the model's masks do not fit: \(error.description)") }
        return nil
    }
}

extension Array where Element == Double {
    /// The value at `index`, or NaN when there is none (a tensor of the wrong shape).
    subscript(safe index: Int) -> Double { indices.contains(index) ? self[index] : .nan }
}
