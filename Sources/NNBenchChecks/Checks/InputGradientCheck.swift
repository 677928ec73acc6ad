import NNBenchEngine
import NNBenchModel

/// Gradients with respect to the inputs, layer by layer: d loss / d (input of layer L) against
/// central differences of the loss of layers L, L+1, ... fed the perturbed input.
///
/// A wrong backward pass in layer L makes the input gradients of L and of every layer before it
/// wrong, while layer L+1's stays right; so the last layer, in order, whose input gradient is
/// wrong is the one whose backward pass to look at. Each layer's input is sampled at up to
/// `entries` evenly spread positions; kinks are handled as in the gradient check.
struct InputGradientCheck: Check {
    let name = "input-gradient"
    let summary = "d loss / d input of every layer equals central differences; names the first wrong backward pass"
    let requiredOps: [ModelOp] = [.trace, .layerGradients, .lossFromLayer]
    var entries = 12

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(4)
        guard let trace = try model.forward(batch.inputs, training: false, trace: true).trace else { throw .unsupported(.trace) }
        let gradients = try model.layerInputGradients(inputs: batch.inputs, targets: batch.targets)
        guard gradients.count == context.layers.count, trace.count == context.layers.count else {
            throw .failed(.layerGradients, "expected \(context.layers.count) layers, got \(gradients.count) gradients and \(trace.count) outputs")
        }
        let tolerances = Tolerances(precision: context.precision)
        var worstByLayer: [(error: Double, at: String, analytic: Double, numerical: Double)] = []
        var kinks = 0
        for layer in context.layers.indices {
            let input = layer == 0 ? batch.inputs : trace[layer - 1]
            guard gradients[layer].shape == input.shape else {
                throw .failed(.layerGradients, "layer \(layer)'s input gradient has shape \(gradients[layer].shape), its input \(input.shape)")
            }
            let baseLoss = try model.loss(fromLayer: layer, inputs: input, targets: batch.targets)
            var probe = DifferenceProbe(baseLoss: baseLoss, tolerances: tolerances)
            var worst = (error: 0.0, at: "", analytic: 0.0, numerical: 0.0)
            for k in 0..<Swift.min(entries, input.count) {
                let i = k * input.count / Swift.min(entries, input.count)
                let result = try probe.compare(gradients[layer].scalars[i]) { amount throws(ModelError) in
                    var moved = input
                    moved.scalars[i] = context.precision.rounded(input.scalars[i] + amount)
                    return (try model.loss(fromLayer: layer, inputs: moved, targets: batch.targets), moved.scalars[i] - input.scalars[i])
                }
                guard let (error, numerical) = result else { continue }
                if error > worst.error || error.isNaN {
                    worst = (error.isNaN ? .infinity : error, input.position(i), gradients[layer].scalars[i], numerical)
                }
            }
            kinks += probe.kinks
            worstByLayer.append(worst)
        }
        let overall = worstByLayer.map(\.error).max() ?? 0
        var notes = ["\(context.layers.count) layers, up to \(entries) input entries each"]
        if kinks > 0 { notes.append("\(kinks) perturbation(s) crossed a kink and were skipped") }
        let bound = "≤ \(short(tolerances.gradientError))"
        guard let wrong = worstByLayer.indices.last(where: { worstByLayer[$0].error > tolerances.gradientError }) else {
            return .passed("rel. error \(short(overall))", bound: bound, notes: notes)
        }
        let worst = worstByLayer[wrong]
        let after = wrong + 1 < context.layers.count ? " while its output gradient is right" : ""
        return .failed(
            "rel. error \(short(worst.error)) at \(context.describe(layer: wrong))", bound: bound,
            "the backward pass of \(context.describe(layer: wrong)) is wrong\(after): d loss/d input\(worst.at) "
                + "analytic \(short(worst.analytic)), numerical \(short(worst.numerical))",
            .inputGradientMismatch, notes: notes)
    }
}
