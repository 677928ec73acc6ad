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

    /// The loss and metrics of `network` on the whole split, in evaluation mode (the accuracy over
    /// every prediction: each step's, for a sequence output), in chunks of 1024 samples, or fewer
    /// when a chunk would pass ``SizeLimits/valuesPerBatch`` (each sample is independent in
    /// evaluation mode; the chunk's mean loss, in `Scalar`, is summed chunk by chunk in order, so
    /// the chunk size is fixed by the architecture alone). `observe` sees every layer's output of
    /// every chunk, in order, with the chunk's first sample; it changes no result.
    func evaluate(
        _ network: Network<Scalar>, kind: TaskKind, observe: ((_ start: Int, _ layer: Int, Batch<Scalar>) -> Void)? = nil
    ) -> SplitMetrics {
        let chunk = Swift.min(1024, network.architecture.largestBatch)
        var lossSum = 0.0, correct = 0, predictions = 0
        var start = 0
        while start < count {
            let size = Swift.min(chunk, count - start)
            let batch = Batch(count: size, shape: network.architecture.inputShape, pointer: inputs.pointer + start * inputWidth)
            let first = start
            let output = network.forward(batch, training: false, observe: observe.map { observe in { observe(first, $0, $1) } })
            let targetPointer = targets.pointer + start * targetWidth
            let (rows, width) = output.lossRows
            let loss = Scalar._loss(network.loss, predictions: output.pointer, targets: targetPointer, samples: rows, width: width, gradient: nil)
            lossSum += Double(loss) * Double(size)
            if case .regression = kind {} else {
                correct += Scalar._correctPredictions(output.pointer, targets: targetPointer, samples: rows, width: width)
            }
            predictions += rows
            start += size
        }
        let loss = lossSum / Double(Swift.max(count, 1))
        switch kind {
        case .regression:
            return SplitMetrics(loss: loss, mse: loss, r2: targetVariance > 0 ? 1 - loss / targetVariance : nil)
        case .binary, .multiclass:
            return SplitMetrics(loss: loss, accuracy: Double(correct) / Double(Swift.max(predictions, 1)))
        }
    }
}
