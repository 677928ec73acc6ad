import NNBenchEngine
import NNBenchModel

/// Training and measuring a model through its ops, for the checks that need a trained model.
enum ModelTraining {
    /// Takes `steps` optimizer steps on one batch, in training mode or (protocol 2) evaluation mode.
    ///
    /// - Returns: The loss before each step.
    @discardableResult
    static func train(
        _ model: any CheckableModel, on batch: (inputs: Tensor<Double>, targets: Tensor<Double>), optimizer: OptimizerSpec,
        steps: Int, training: Bool = true
    ) throws(ModelError) -> [Double] {
        var losses: [Double] = []
        for _ in 0..<steps {
            losses.append(try model.step(inputs: batch.inputs, targets: batch.targets, optimizer: optimizer, training: training, trace: false).loss)
        }
        return losses
    }

    /// The fraction of samples classified right, in evaluation mode: the sign of one logit against
    /// a 0/1 target, or the arg-max of several against a class index.
    static func accuracy(_ model: any CheckableModel, on batch: (inputs: Tensor<Double>, targets: Tensor<Double>)) throws(ModelError) -> Double {
        let output = try model.forward(batch.inputs, training: false, trace: false).output
        return accuracy(output, targets: batch.targets)
    }

    /// The fraction of targets that `output` predicts: one row of `output` per target, so that
    /// per-step targets `[n, T]` against outputs `[n, T, classes]` count every (sample, step)
    /// pair, as the per-step cross-entropy averages them.
    static func accuracy(_ output: Tensor<Double>, targets: Tensor<Double>) -> Double {
        hits(output, targets: targets).reduce(0, +) / Double(Swift.max(targets.count, 1))
    }

    /// For each target, 1 when `output` predicts it and 0 when not, in the targets' order (as
    /// ``accuracy(_:targets:)`` counts them).
    static func hits(_ output: Tensor<Double>, targets: Tensor<Double>) -> [Double] {
        let n = targets.count, width = output.count / Swift.max(n, 1)
        return (0..<n).map { i in
            let row = output.scalars[i * width..<(i + 1) * width]
            let predicted = width == 1 ? (row.first! > 0 ? 1 : 0) : row.indices.max { row[$0] < row[$1] }! - i * width
            return Double(predicted) == targets.scalars[i] ? 1 : 0
        }
    }
}
