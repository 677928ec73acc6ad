import NNBenchDatasets

/// A split converted to the network's scalar once, with what evaluation needs.
package final class EvaluationData<Scalar: EngineScalar> {
    package let count: Int
    package let inputWidth: Int
    package let targetWidth: Int
    package let inputs: Buffer<Scalar>
    package let targets: Buffer<Scalar>
    /// The mean over outputs of each output's variance, the denominator of R².
    let targetVariance: Double

    package init(_ split: Split) {
        count = split.count
        inputWidth = split.inputWidth
        targetWidth = split.targetWidth
        inputs = Buffer(split.inputs.map { Scalar($0) })
        targets = Buffer(split.targets.map { Scalar($0) })
        targetVariance = split.targetVariance
    }

    /// The loss and metrics of `network` on the whole split, in evaluation mode, in chunks of
    /// `chunk` samples (the chunking does not change any result: each sample is independent in
    /// evaluation mode, and the loss is summed chunk by chunk in order). `observe` sees every
    /// layer's output of every chunk, in order, with the chunk's first sample.
    func evaluate(
        _ network: Network<Scalar>, kind: TaskKind, chunk: Int = 1024, observe: ((_ start: Int, _ layer: Int, Batch<Scalar>) -> Void)? = nil
    ) -> SplitMetrics {
        var lossSum = 0.0, correct = 0
        var start = 0
        while start < count {
            let size = Swift.min(chunk, count - start)
            let batch = Batch(count: size, shape: network.architecture.inputShape, pointer: inputs.pointer + start * inputWidth)
            let first = start
            let output = network.forward(batch, training: false, observe: observe.map { observe in { observe(first, $0, $1) } })
            let targetPointer = targets.pointer + start * targetWidth
            let loss = Scalar._loss(
                network.loss, predictions: output.pointer, targets: targetPointer, samples: size, width: output.width,
                gradient: nil)
            lossSum += Double(loss) * Double(size)
            if case .regression = kind {} else {
                correct += Scalar._correctPredictions(output.pointer, targets: targetPointer, samples: size, width: output.width)
            }
            start += size
        }
        let loss = lossSum / Double(Swift.max(count, 1))
        switch kind {
        case .regression:
            return SplitMetrics(loss: loss, mse: loss, r2: targetVariance > 0 ? 1 - loss / targetVariance : nil)
        case .binary, .multiclass:
            return SplitMetrics(loss: loss, accuracy: Double(correct) / Double(Swift.max(count, 1)))
        }
    }
}
