import NNBenchEngine
import NNBenchModel

/// Training and evaluation modes: evaluation is deterministic (two forwards give the same bits),
/// and dropout in training keeps each value's mean (inverted dropout), so that evaluation, without
/// dropout, sees the scale training saw.
///
/// The dropout part compares, over `runs` training forwards, the sum of the dropout layer's
/// outputs with the sum of its inputs, sign-aligned: their ratio is 1 for inverted dropout, and
/// 1 − rate without the scaling. Each kept-or-dropped multiplier has mean 1 and variance
/// r/(1 − r), so the ratio `Σ|x|·m / Σ|x|` has standard error `√(r/(1−r)·Σx²) / Σ|x|`; the bound
/// is `sigmas` of them (one-sided tail below 1e-9 for a normal), which a missing 1/(1 − r) exceeds
/// for the batches used (its ratio is 1 − r, at least 0.05 from 1 for r ≥ 0.05).
struct ModesCheck: Check {
    let name = "modes"
    let summary = "evaluation is deterministic; dropout's training output has the evaluation output as its mean"
    let requiredOps: [ModelOp] = []
    static let runs = 50
    static let sigmas = 6.0

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(8)
        let first = try model.forward(batch.inputs, training: false, trace: false).output
        let second = try model.forward(batch.inputs, training: false, trace: false).output
        guard first == second else {
            let difference = second.largestDifference(from: first).difference
            let layer = try firstNondeterministicLayer(context, inputs: batch.inputs)
            return .failed(
                "|Δ| \(short(difference))", bound: "0",
                "two evaluation forwards of the same batch differ by \(short(difference))"
                    + (layer.map { ", first at \(context.describe(layer: $0))" } ?? ""),
                .evaluationNondeterministic, at: layer.map { context.location(layers: $0) })
        }
        guard let dropout = context.layers.firstIndex(where: { if case .dropout = $0 { true } else { false } }) else {
            return .passed("deterministic", bound: "identical", notes: ["no dropout layer"])
        }
        guard context.info.ops.contains(.trace) else {
            return .passed("deterministic", bound: "identical", notes: ["no trace: dropout's scale not measured"])
        }
        guard case .dropout(let rate) = context.layers[dropout] else { return .skipped("no dropout layer") }
        var (kept, fed, squares) = (0.0, 0.0, 0.0)
        for _ in 0..<Self.runs {
            guard let trace = try model.forward(batch.inputs, training: true, trace: true).trace?.outputs else { throw .unsupported(.trace) }
            let input = dropout == 0 ? batch.inputs : trace[dropout - 1], output = trace[dropout]
            for (x, y) in zip(input.scalars, output.scalars) {
                kept += x < 0 ? -y : y
                fed += Swift.abs(x)
                squares += x * x
            }
        }
        let ratio = fed > 0 ? kept / fed : 1
        let tolerance = fed > 0 ? Self.sigmas * (rate / (1 - rate) * squares).squareRoot() / fed : 0
        let bound = "|ratio − 1| ≤ \(short(tolerance)) (\(short(Self.sigmas)) standard errors)"
        guard Swift.abs(ratio - 1) <= tolerance else {
            return .failed(
                "dropout mean ratio \(short(ratio))", bound: bound,
                "in training \(context.describe(layer: dropout)) scales its input by \(short(ratio)) on average, not 1", .dropoutScale,
                at: context.location(layers: dropout))
        }
        return .passed("deterministic, dropout ratio \(short(ratio))", bound: bound, load: tolerance > 0 ? Swift.abs(ratio - 1) / tolerance : 0)
    }

    /// The first layer whose output differs between two evaluation traces of the same batch:
    /// the layer with the randomness or the state (a layer fed different inputs differs after it);
    /// `nil` when the model cannot trace or the traces happen to agree.
    private func firstNondeterministicLayer(_ context: CheckContext, inputs: Tensor<Double>) throws(ModelError) -> Int? {
        guard context.info.ops.contains(.trace),
              let first = try context.model.forward(inputs, training: false, trace: true).trace?.outputs,
              let second = try context.model.forward(inputs, training: false, trace: true).trace?.outputs
        else { return nil }
        return zip(first, second).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    }
}
