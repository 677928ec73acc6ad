import NNBenchEngine
import NNBenchModel

/// Training and evaluation modes: evaluation is deterministic (two forwards give the same bits),
/// and dropout in training keeps each value's mean (inverted dropout), so that evaluation, without
/// dropout, sees the scale training saw.
///
/// The dropout part compares, over `runs` training forwards, the sum of the dropout layer's
/// outputs with the sum of its inputs, sign-aligned: their ratio is 1 for inverted dropout, and
/// 1 − rate without the scaling. With rate r the ratio's standard error is about √(r/(1−r)/N)
/// for N values; 0.1 is many of them for the batches used.
struct ModesCheck: Check {
    let name = "modes"
    let summary = "evaluation is deterministic; dropout's training output has the evaluation output as its mean"
    let requiredOps: [ModelOp] = []
    static let runs = 50
    static let dropoutTolerance = 0.1

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(8)
        let first = try model.forward(batch.inputs, training: false, trace: false).output
        let second = try model.forward(batch.inputs, training: false, trace: false).output
        guard first == second else {
            let difference = second.largestDifference(from: first).difference
            return .failed("|Δ| \(short(difference))", bound: "0", "two evaluation forwards of the same batch differ by \(short(difference))", .evaluationNondeterministic)
        }
        guard let dropout = context.layers.firstIndex(where: { if case .dropout = $0 { true } else { false } }) else {
            return .passed("deterministic", bound: "identical", notes: ["no dropout layer"])
        }
        guard context.info.ops.contains(.trace) else {
            return .passed("deterministic", bound: "identical", notes: ["no trace: dropout's scale not measured"])
        }
        var (kept, fed) = (0.0, 0.0)
        for _ in 0..<Self.runs {
            guard let trace = try model.forward(batch.inputs, training: true, trace: true).trace?.outputs else { throw .unsupported(.trace) }
            let input = dropout == 0 ? batch.inputs : trace[dropout - 1], output = trace[dropout]
            for (x, y) in zip(input.scalars, output.scalars) {
                kept += x < 0 ? -y : y
                fed += Swift.abs(x)
            }
        }
        let ratio = fed > 0 ? kept / fed : 1
        let bound = "|ratio − 1| ≤ \(Self.dropoutTolerance)"
        guard Swift.abs(ratio - 1) <= Self.dropoutTolerance else {
            return .failed(
                "dropout mean ratio \(short(ratio))", bound: bound,
                "in training \(context.describe(layer: dropout)) scales its input by \(short(ratio)) on average, not 1", .dropoutScale)
        }
        return .passed("deterministic, dropout ratio \(short(ratio))", bound: bound)
    }
}
