extension ResolvedArchitecture {
    /// The most values one sample occupies at any point of the network: its input, any layer's
    /// output, or conv2d's columns. At most ``SizeLimits/valuesPerSample``.
    public var largestSampleValues: Int {
        var largest = inputShape.reduce(1, *)
        for layer in layers {
            largest = Swift.max(largest, layer.outputShape.reduce(1, *))
            if case .conv2d(_, let kernel, _, _, _, _) = layer.spec {
                largest = Swift.max(largest, layer.inputShape[0] * kernel * kernel * layer.outputShape[1] * layer.outputShape[2])
            }
        }
        return largest
    }

    /// The most samples a batch may hold: ``SizeLimits/valuesPerBatch`` divided by
    /// ``largestSampleValues``, at least 1.
    public var largestBatch: Int {
        Swift.max(1, SizeLimits.valuesPerBatch / largestSampleValues)
    }

    /// Checks that a batch of `samples` can go through the network, before anything is allocated.
    ///
    /// Batch normalisation in training mode needs more than one value per channel, as PyTorch's
    /// does: the variance of a single value is 0 and its unbiased estimate 0/0.
    ///
    /// - Parameters:
    ///   - samples: The batch's size, at least 1.
    ///   - training: Whether the pass is in training mode.
    ///   - range: The layers the batch goes through; all by default.
    /// - Throws: ``SpecError`` for a batch larger than ``largestBatch``, or, in training, a
    ///   batchnorm layer (pointed at) that would see one value per channel.
    public func checkBatch(samples: Int, training: Bool, layers range: Range<Int>? = nil) throws(SpecError) {
        guard samples <= largestBatch else {
            throw SpecError("a batch of \(samples) samples would hold more than \(SizeLimits.describe(SizeLimits.valuesPerBatch)) values in one layer (\(largestSampleValues) per sample), the engine's limit; at most \(largestBatch) samples fit")
        }
        guard training else { return }
        for layer in layers[range ?? layers.indices] {
            guard case .batchNorm = layer.spec, samples * layer.inputShape.dropFirst().reduce(1, *) < 2 else { continue }
            let batch = samples == 1 ? "a batch of 1 sample" : "a batch of \(samples) samples"
            throw architecture.error(
                "batchnorm needs more than one value per channel in training mode, as PyTorch's does; \(batch) gives it one",
                atLayer: layer.index)
        }
    }
}
