import NNBenchEngine
import NNBenchModel

/// Samples are independent in evaluation: a batch's loss is the mean of its samples' losses, and a
/// sample's output is the same alone as among others (no leakage across the batch). Batchnorm in
/// training mode legitimately mixes samples; evaluation must not.
struct BatchCheck: Check {
    let name = "batch"
    let summary = "the batch loss is the mean of per-sample losses; a sample's output does not depend on the others"
    let requiredOps: [ModelOp] = []

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(8)
        let n = batch.inputs.shape[0]
        guard n >= 2 else { return .skipped("the task has fewer than two training samples") }
        let tolerances = Tolerances(precision: context.precision)
        let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let outputs = try model.forward(batch.inputs, training: false, trace: false).output
        var losses: [Double] = []
        var worst = (difference: 0.0, sample: 0)
        for i in 0..<n {
            let input = batch.inputs.samples(i..<i + 1), target = batch.targets.samples(i..<i + 1)
            losses.append(try model.loss(inputs: input, targets: target))
            let alone = try model.forward(input, training: false, trace: false).output
            let among = outputs.samples(i..<i + 1)
            guard alone.shape == among.shape else { throw .failed(.forward, "output of shape \(alone.shape) for one sample") }
            let difference = alone.largestDifference(from: among).difference / Swift.max(1, among.maxAbs)
            if difference > worst.difference || difference.isNaN { worst = (difference.isNaN ? .infinity : difference, i) }
        }
        let mean = losses.reduce(0, +) / Double(n)
        let lossError = Swift.abs(loss - mean) / Swift.max(Swift.abs(mean), 1e-12)
        if !(lossError <= tolerances.batchLoss) {
            return .failed(
                "loss \(short(loss)) vs mean \(short(mean))", bound: "rel. ≤ \(short(tolerances.batchLoss))",
                "the loss of \(n) samples is \(short(loss / mean))× the mean of their losses", .batchLossNotMean, at: .loss)
        }
        let bound = "≤ \(short(tolerances.reference)) × max(1, |y|)"
        guard worst.difference <= tolerances.reference else {
            let layer = try firstLeakingLayer(context, inputs: batch.inputs, sample: worst.sample)
            return .failed(
                "|Δ| \(short(worst.difference))", bound: bound,
                "sample \(worst.sample)'s output changes by \(short(worst.difference)) when evaluated with \(n - 1) others"
                    + (layer.map { ", first at \(context.describe(layer: $0))" } ?? ""),
                .batchLeak, at: layer.map { context.location(layers: $0) })
        }
        let load = Swift.max(lossError / tolerances.batchLoss, worst.difference / tolerances.reference)
        return .passed("|Δ| \(short(worst.difference)), loss = mean", bound: bound, load: load)
    }

    /// The first layer whose output for `sample` differs alone and among the batch, from two
    /// traces; `nil` when the model cannot trace.
    private func firstLeakingLayer(_ context: CheckContext, inputs: Tensor<Double>, sample: Int) throws(ModelError) -> Int? {
        guard context.info.ops.contains(.trace),
              let among = try context.model.forward(inputs, training: false, trace: true).trace?.outputs,
              let alone = try context.model.forward(inputs.samples(sample..<sample + 1), training: false, trace: true).trace?.outputs
        else { return nil }
        let bound = Tolerances(precision: context.precision).reference
        return zip(alone, among).enumerated().first { _, pair in
            let (one, all) = pair, row = all.samples(sample..<sample + 1)
            return one.shape != row.shape || !(one.largestDifference(from: row).difference <= bound * Swift.max(1, row.maxAbs))
        }?.offset
    }
}
