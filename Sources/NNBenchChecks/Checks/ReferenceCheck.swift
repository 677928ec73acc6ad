import NNBenchEngine
import NNBenchModel

/// Same weights, same answer: with the model's parameters copied into nnbench's Double reference
/// engine, every layer's output, the loss, the gradients and several optimizer steps (sgd,
/// momentum, nesterov, adam, weight decay) must agree within ``Tolerances/reference``. The first
/// layer whose output differs is named.
///
/// Optimizer steps are compared only without dropout: in training its masks are the model's own.
struct ReferenceCheck: Check {
    let name = "reference"
    let summary = "same weights, same answer as nnbench's reference engine: every layer, the loss, gradients, optimizer steps"
    let requiredOps: [ModelOp] = []

    /// The optimizers compared, three steps each. Adam's eps is raised to 1e-3 so that gradients
    /// at rounding level (which a float32 model gets with random signs) move no weight by a whole lr.
    static let optimizers: [OptimizerSpec] = [
        .sgd(learningRate: 0.1), .sgd(learningRate: 0.1, momentum: 0.9), .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true),
        .adam(learningRate: 0.01, epsilon: 1e-3), .sgd(learningRate: 0.1, weightDecay: 0.1),
        .adam(learningRate: 0.01, epsilon: 1e-3, weightDecay: 0.1),
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
        } else {
            notes.append("no 'gradients' op: gradients not compared")
        }
        guard context.info.ops.contains(.step) else {
            notes.append("no 'step' op: optimizer steps not compared")
            return .passed("all equal", bound: comparison.bound, notes: notes)
        }
        guard !context.layers.contains(where: { if case .dropout = $0 { true } else { false } }) else {
            notes.append("dropout: optimizer steps not compared (the masks are the model's own)")
            return .passed("all equal", bound: comparison.bound, notes: notes)
        }
        if let failure = try compareSteps(context, order: order, initial: initial, batch: batch, comparison: comparison) {
            return failure
        }
        try model.setParameters(initial)
        return .passed("all equal", bound: comparison.bound, notes: notes + ["\(Self.optimizers.count) optimizers × \(Self.steps) steps"])
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

    /// ``steps`` steps of each of ``optimizers`` from the same weights; the first parameter that
    /// differs after a step.
    private func compareSteps(
        _ context: CheckContext, order: [String], initial: [String: Tensor<Double>],
        batch: (inputs: Tensor<Double>, targets: Tensor<Double>), comparison: Comparison
    ) throws(ModelError) -> CheckOutcome? {
        let model = context.model
        for spec in Self.optimizers {
            try model.setParameters(initial)
            let network = try context.reference(holding: initial)
            let optimizer = NetworkOptimizer(spec, network: network)
            for step in 1...Self.steps {
                _ = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: spec)
                optimizer.step(inputs: batch.inputs, targets: batch.targets)
                let values = try model.parameters()
                for (name, wanted) in network.parameters where order.contains(name) {
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
}

extension Array where Element == Double {
    /// The value at `index`, or NaN when there is none (a tensor of the wrong shape).
    subscript(safe index: Int) -> Double { indices.contains(index) ? self[index] : .nan }
}
