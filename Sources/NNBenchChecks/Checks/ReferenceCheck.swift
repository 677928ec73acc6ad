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
        let order = try context.build().filter(\.trainable).map(\.name)
        let model = context.model, batch = context.batch(8)
        let initial = try model.parameters()
        let reference = try context.reference(holding: initial)
        let comparison = Comparison(tolerance: Tolerances(precision: context.precision).reference)
        var notes: [String] = []
        if let failure = try compareOutputs(context, reference: reference, batch: batch, comparison: comparison, notes: &notes) {
            return failure
        }
        let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let expectedLoss = reference.loss(inputs: batch.inputs, targets: batch.targets)
        if !(Swift.abs(loss - expectedLoss) <= comparison.tolerance * Swift.max(1, Swift.abs(expectedLoss))) {
            return .failed(
                "loss \(short(loss)) vs \(short(expectedLoss))", bound: comparison.bound,
                "the loss differs: \(short(loss)), reference \(short(expectedLoss))", .lossMismatch)
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
            return .passed("all equal", bound: comparison.bound, notes: notes)
        }
        if context.trainsDifferently && context.info.version < 2 {
            notes.append("dropout or batchnorm: optimizer steps not compared (they need the pass's masks, protocol 2)")
            return .passed("all equal", bound: comparison.bound, notes: notes)
        }
        let optimizers = Self.optimizers.filter { spec in
            context.info.optimizers.map { $0.contains(spec.name) } ?? (context.info.version >= 2 || ["sgd", "adam"].contains(spec.name))
        }
        if let failure = try compareSteps(context, optimizers: optimizers, order: order, initial: initial, batch: batch, comparison: comparison) {
            return failure
        }
        try model.setParameters(initial)
        let masked = context.trainsDifferently ? ", under the model's own dropout masks" : ""
        return .passed("all equal", bound: comparison.bound, notes: notes + ["\(optimizers.count) optimizers × \(Self.steps) steps\(masked)"])
    }

    /// How far a value may be from the reference's: ``Tolerances/reference`` of the larger of 1
    /// and the reference tensor's largest value.
    struct Comparison {
        let tolerance: Double
        var bound: String { "≤ \(short(tolerance)) × max(1, |ref|)" }

        /// The largest difference and where, when it is beyond the tolerance; a wrong shape is an
        /// infinite difference.
        func differs(_ value: Tensor<Double>, _ expected: Tensor<Double>) -> (Double, Int)? {
            guard value.shape == expected.shape else { return (.infinity, 0) }
            let (difference, index) = value.largestDifference(from: expected)
            return difference > tolerance * Swift.max(1, expected.maxAbs) ? (difference, index) : nil
        }
    }

    /// Every layer's output, or the network's when the model cannot trace; the first that differs.
    private func compareOutputs(
        _ context: CheckContext, reference: Network<Double>, batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        comparison: Comparison, notes: inout [String]
    ) throws(ModelError) -> CheckOutcome? {
        let expected = reference.trace(batch.inputs)
        if context.info.ops.contains(.trace), let trace = try context.model.forward(batch.inputs, training: false, trace: true).trace?.outputs {
            for (layer, (value, wanted)) in zip(trace, expected).enumerated() {
                if let (difference, index) = comparison.differs(value, wanted) {
                    return .failed(
                        "|Δ| \(short(difference)) at \(context.describe(layer: layer))", bound: comparison.bound,
                        "first differing layer: \(context.describe(layer: layer)) output\(wanted.position(index)) "
                            + "is \(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))",
                        .forwardMismatch)
                }
            }
            return nil
        }
        notes.append("no trace: compared the network's output only")
        let output = try context.model.forward(batch.inputs, training: false, trace: false).output
        if let (difference, _) = comparison.differs(output, expected.last!) {
            return .failed(
                "|Δ| \(short(difference)) at the output", bound: comparison.bound, "the output differs; trace to find the layer",
                .forwardMismatch)
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
        for (name, wanted) in reference.gradients {
            guard let value = gradients[name] else { throw .failed(.gradients, "no gradient for '\(name)'") }
            if let (difference, index) = comparison.differs(value, wanted) {
                return .failed(
                    "|Δ| \(short(difference)) in d loss/d \(name)", bound: comparison.bound,
                    "the gradient of \(context.describe(parameter: name))\(wanted.position(index)) is "
                        + "\(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))",
                    .gradientMismatch)
            }
        }
        return nil
    }

    /// ``steps`` steps of each optimizer from the same weights, under the model's masks when it
    /// trains differently; the first parameter or buffer that differs after a step.
    private func compareSteps(
        _ context: CheckContext, optimizers: [OptimizerSpec], order: [String], initial: [String: Tensor<Double>],
        batch: (inputs: Tensor<Double>, targets: Tensor<Double>), comparison: Comparison
    ) throws(ModelError) -> CheckOutcome? {
        let model = context.model
        for spec in optimizers {
            try model.setParameters(initial)
            let network = try context.reference(holding: initial)
            let optimizer = NetworkOptimizer(spec, network: network)
            for step in 1...Self.steps {
                if context.trainsDifferently {
                    let answer = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: spec, training: true, trace: true)
                    if let failure = try replay(answer.trace?.masks ?? [:], in: network, context: context) { return failure }
                } else {
                    try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: spec)
                }
                optimizer.step(inputs: batch.inputs, targets: batch.targets)
                let values = try model.parameters()
                let buffers = context.info.version >= 2 ? network.state : []
                for (name, wanted) in network.parameters + buffers {
                    guard let value = values[name] else { throw .failed(.getParams, "no parameter '\(name)'") }
                    if let (difference, index) = comparison.differs(value, wanted) {
                        return .failed(
                            "|Δ| \(short(difference)) after \(spec.name) step \(step)", bound: comparison.bound,
                            "\(spec) step \(step): \(name)\(wanted.position(index)) is \(short(value.scalars[safe: index])), "
                                + "reference \(short(wanted.scalars[index]))",
                            .stepMismatch)
                    }
                }
            }
        }
        return nil
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
                    .forwardMismatch)
            }
        }
        if !(Swift.abs(answer.loss - loss) <= comparison.tolerance * Swift.max(1, Swift.abs(loss))) {
            return .failed(
                "training loss \(short(answer.loss)) vs \(short(loss))", bound: comparison.bound,
                "in training mode the loss differs: \(short(answer.loss)), reference \(short(loss))", .lossMismatch)
        }
        for (name, wanted) in reference.gradients {
            guard let value = answer.gradients[name] else { throw .failed(.gradients, "no gradient for '\(name)'") }
            if let (difference, index) = comparison.differs(value, wanted) {
                return .failed(
                    "|Δ| \(short(difference)) in d loss/d \(name) (training)", bound: comparison.bound,
                    "in training mode, under the model's own masks, the gradient of \(context.describe(parameter: name))\(wanted.position(index)) is "
                        + "\(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))",
                    .gradientMismatch)
            }
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
                    .dropoutScale)
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
