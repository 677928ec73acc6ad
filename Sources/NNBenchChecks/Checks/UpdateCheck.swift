import NNBenchEngine
import NNBenchModel

/// One step learns: a small move along −gradient lowers the loss by what the gradient predicts,
/// one optimizer step of the same size lowers it too, and one ordinary step changes every
/// parameter tensor.
///
/// The move is sized so that the first-order prediction `η·|g|²` is 1e-3 of the loss: large
/// against a float32 loss's rounding (1e-6 of it), small enough that curvature changes the
/// decrease by a few per cent. The measured decrease must be within [0.7, 1.3] of the prediction:
/// a gradient off by a factor (mse's missing 2) shows as a ratio near 2 or 0.5.
struct UpdateCheck: Check {
    let name = "update"
    let summary = "a small step downhill lowers the loss as the gradient predicts; a step changes every parameter tensor"
    let requiredOps: [ModelOp] = [.gradients, .step]
    static let ratioBounds = 0.7...1.3

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().filter(\.trainable).map(\.name)
        let model = context.model, batch = context.batch(8)
        let initial = try model.parameters()
        defer { try? model.setParameters(initial) }
        let (loss, gradients) = try { () throws(ModelError) in
            let answer = try model.gradients(inputs: batch.inputs, targets: batch.targets)
            return (answer.loss, answer.gradients)
        }()
        let squaredNorm = order.reduce(0.0) { $0 + (gradients[$1]?.norm ?? 0) * (gradients[$1]?.norm ?? 0) }
        guard squaredNorm > 0, squaredNorm.isFinite, loss.isFinite, loss > 0 else {
            return .failed("|g|² \(short(squaredNorm)), loss \(short(loss))", bound: "finite, > 0", "the gradient is zero or not finite at a loss of \(short(loss))", .notDescending)
        }
        let predicted = 1e-3 * loss
        let rate = predicted / squaredNorm
        var moved = initial
        for name in order {
            guard let gradient = gradients[name] else { throw .failed(.gradients, "no gradient for '\(name)'") }
            for i in 0..<gradient.count { moved[name]!.scalars[i] -= rate * gradient.scalars[i] }
        }
        try model.setParameters(moved)
        let along = loss - (try model.loss(inputs: batch.inputs, targets: batch.targets))
        let bound = "decrease/prediction in [\(Self.ratioBounds.lowerBound), \(Self.ratioBounds.upperBound)]"
        guard Self.ratioBounds.contains(along / predicted) else {
            return .failed(
                "ratio \(short(along / predicted))", bound: bound,
                "a step of \(short(rate)) along −gradient changes the loss by \(short(-along)), the gradient predicts \(short(-predicted))",
                .notDescending)
        }
        try model.setParameters(initial)
        _ = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: .sgd(learningRate: rate))
        let descent = loss - (try model.loss(inputs: batch.inputs, targets: batch.targets))
        var notes: [String] = []
        if context.trainsDifferently {
            // A training step follows the training-mode gradient (dropout's mask, batch statistics),
            // which the evaluation-mode prediction does not describe.
            notes.append("dropout or batchnorm: the optimizer step's decrease is not compared")
        } else if !Self.ratioBounds.contains(descent / predicted) {
            return .failed(
                "step ratio \(short(descent / predicted))", bound: bound,
                "one sgd(lr: \(short(rate))) step changes the loss by \(short(-descent)), the gradient predicts \(short(-predicted))",
                .notDescending)
        }
        try model.setParameters(initial)
        _ = try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: .sgd(learningRate: 0.1))
        let after = try model.parameters()
        if let name = order.first(where: { after[$0] == initial[$0] }) {
            return .failed("\(name) unchanged", bound: "every tensor changes", "one sgd(lr: 0.1) step leaves \(context.describe(parameter: name)) unchanged", .notUpdated, notes: notes)
        }
        return .passed("ratio \(short(along / predicted)), step \(short(descent / predicted))", bound: bound, notes: notes)
    }
}
