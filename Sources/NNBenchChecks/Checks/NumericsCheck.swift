import NNBenchEngine
import NNBenchModel

/// Numerical stability: inputs 1000× larger, and logits near 1000 (the last bias raised by 1000),
/// must give a finite loss and finite gradients. A stable implementation computes such losses
/// exactly; the naive ones overflow (`exp(1000)`) or take `log(0)`.
struct NumericsCheck: Check {
    let name = "numerics"
    let summary = "large inputs and large logits give finite losses and gradients"
    let requiredOps: [ModelOp] = []
    static let inputScale = 1e3
    static let logitShift = 1e3

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(8)
        var notes: [String] = []
        // Token indices scaled 1000× are no longer indices: an embedding's input is not a size.
        if case .embedding = context.layers.first {
            notes.append("inputs are token indices (embedding): large inputs not tried")
        } else {
            var large = batch.inputs
            large.scalars = large.scalars.map { $0 * Self.inputScale }
            if let problem = try nonFinite(context, inputs: large, targets: batch.targets) {
                return .failed(
                    problem, bound: "finite", "with inputs ×\(short(Self.inputScale)): \(problem)", .nonFinite,
                    at: try location(context, inputs: large, targets: batch.targets))
            }
        }
        guard let (_, name) = context.lastBias else {
            return .passed("finite", bound: "finite", notes: notes + ["no bias on the last dense layer: large logits not tried"])
        }
        var values = try model.parameters()
        guard var bias = values[name] else { throw .failed(.getParams, "no parameter '\(name)'") }
        bias.scalars = bias.scalars.enumerated().map { $0.offset == 0 ? $0.element + Self.logitShift : $0.element - Self.logitShift }
        values[name] = bias
        try model.setParameters(values)
        if let problem = try nonFinite(context, inputs: batch.inputs, targets: batch.targets) {
            return .failed(
                problem, bound: "finite", "with logits near ±\(short(Self.logitShift)): \(problem)", .nonFinite,
                at: try location(context, inputs: batch.inputs, targets: batch.targets))
        }
        return .passed("finite", bound: "finite", notes: notes)
    }

    /// Where the first non-finite value appears: the first layer whose output is not finite;
    /// with finite outputs, the loss when its value or its gradient at the output is not, else
    /// the top layer whose input gradient is not finite while its output gradient is. `nil` when
    /// the model cannot trace or give layer gradients.
    private func location(_ context: CheckContext, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> BugLocation? {
        guard context.info.ops.contains(.trace), let outputs = try context.model.forward(inputs, training: false, trace: true).trace?.outputs
        else { return nil }
        if let layer = outputs.firstIndex(where: { !$0.allFinite }) { return context.location(layers: layer) }
        guard try context.model.loss(inputs: inputs, targets: targets).isFinite else { return .loss }
        guard context.info.ops.contains(.layerGradients) else { return nil }
        let pass = try context.model.layerGradients(inputs: inputs, targets: targets, training: false)
        guard pass.outputs.last?.allFinite ?? true else { return .loss }
        let layer = pass.inputs.indices.reversed().first { !pass.inputs[$0].allFinite && pass.outputs[$0].allFinite }
        return layer.map { context.location(layers: $0) }
    }

    /// What is not finite in the loss or the gradients of a batch, or `nil`.
    private func nonFinite(_ context: CheckContext, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> String? {
        let loss = try context.model.loss(inputs: inputs, targets: targets)
        guard loss.isFinite else { return "loss \(loss)" }
        guard context.info.ops.contains(.gradients) else { return nil }
        let gradients = try context.model.gradients(inputs: inputs, targets: targets).gradients
        if let name = gradients.keys.sorted().first(where: { !gradients[$0]!.allFinite }) {
            return "d loss/d \(name) not finite"
        }
        return nil
    }
}
