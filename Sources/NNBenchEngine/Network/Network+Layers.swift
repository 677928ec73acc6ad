extension Network {
    /// The masks the dropout layers used in the last training-mode pass, by layer index: the
    /// multipliers 0 or `1 / (1 − rate)`, shaped as each layer's input (the batch first).
    public var dropoutMasks: [Int: Tensor<Scalar>] {
        var masks: [Int: Tensor<Scalar>] = [:]
        for (index, layer) in layers.enumerated() {
            guard let dropout = layer.dropout else { continue }
            let mask = dropout.lastMask
            let width = architecture.layers[index].inputShape.reduce(1, *)
            guard !mask.isEmpty, mask.count % width == 0 else { continue }
            masks[index] = Tensor(shape: [mask.count / width] + architecture.layers[index].inputShape, scalars: mask)
        }
        return masks
    }

    /// Makes every training-mode pass use these masks in its dropout layers instead of drawing
    /// its own, until called again with `nil`: another implementation's masks, so that both
    /// compute the same function, or a drawn mask held fixed for a gradient check.
    ///
    /// - Parameter masks: By layer index, shaped `[n] +` the layer's input shape: the mask of
    ///   every dropout layer, or `nil` to draw again.
    /// - Throws: ``NetworkError`` for an index that is not a dropout layer's, a missing dropout
    ///   layer, or a mask whose values are not all 0 or `1 / (1 − rate)`; nothing changes then.
    public func replayDropoutMasks(_ masks: [Int: Tensor<Scalar>]?) throws(NetworkError) {
        let dropouts = layers.enumerated().compactMap { index, layer in layer.dropout.map { (index, $0) } }
        guard let masks else {
            for (_, dropout) in dropouts { dropout.replayedMask = nil }
            return
        }
        for index in masks.keys.sorted() where !dropouts.contains(where: { $0.0 == index }) {
            throw .notADropoutLayer(index)
        }
        for (index, dropout) in dropouts {
            guard let mask = masks[index] else { throw .missingMask(index) }
            guard Array(mask.shape.dropFirst()) == architecture.layers[index].inputShape else {
                throw .maskShapeMismatch(index, expected: [mask.shape.first ?? 0] + architecture.layers[index].inputShape, got: mask.shape)
            }
            let kept = 1 / (1 - Scalar(dropout.rate))
            if let value = mask.scalars.first(where: { $0 != 0 && $0 != kept }) {
                throw .invalidMask(index, value: Double(value), kept: Double(kept))
            }
        }
        for (index, dropout) in dropouts { dropout.replayedMask = masks[index]!.scalars }
    }

    /// One layer alone applied to a batch, as if it were that layer's input, without changing
    /// anything: batchnorm in training mode normalises with the batch's statistics but its running
    /// statistics keep their values; dropout in training mode uses `mask`.
    ///
    /// - Parameters:
    ///   - index: The layer.
    ///   - inputs: `[n] +` the layer's input shape.
    ///   - training: The mode.
    ///   - mask: For a dropout layer in training mode, its mask (multipliers 0 or `1 / (1 − rate)`,
    ///     shaped as `inputs`); a dropout layer in training mode without one draws its next.
    /// - Returns: The layer's output, `[n] +` its output shape.
    public func forward(layer index: Int, inputs: Tensor<Scalar>, training: Bool, mask: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        precondition(layers.indices.contains(index), "no layer \(index)")
        precondition(Array(inputs.shape.dropFirst()) == architecture.layers[index].inputShape, "inputs do not match layer \(index)")
        let layer = layers[index]
        let saved = layer.state.map { $0.value.array }
        defer { for (tensor, values) in zip(layer.state, saved) { tensor.value.assign(values) } }
        let dropout = layer.dropout
        let replayed = dropout?.replayedMask
        if let mask { dropout?.replayedMask = mask.scalars }
        defer { dropout?.replayedMask = replayed }
        let input = Buffer(inputs.scalars)
        return layer.forward(Batch(count: inputs.shape[0], shape: architecture.layers[index].inputShape, pointer: input.pointer), training: training).tensor
    }

    /// The gradient of the loss with respect to the input and to the output of every layer, and
    /// the gradients of the parameters (read them from ``gradients``), for one pass in the given
    /// mode.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - targets: As the model protocol shapes them for the loss.
    ///   - training: The mode of the pass (dropout masks: ``dropoutMasks`` afterwards).
    /// - Returns: The loss and, for each layer in order, d loss / d (its input) and d loss / d (its
    ///   output), shaped as they are.
    public func layerGradients(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, training: Bool = false
    ) -> (loss: Scalar, inputGradients: [Tensor<Scalar>], outputGradients: [Tensor<Scalar>]) {
        var collected: [Tensor<Scalar>] = []
        let loss = gradients(inputs: inputs, targets: targets, training: training) { collected.append($0.tensor) }
        // Collected from the loss backwards: the loss gradient, then each layer's input gradient.
        let outputs = Array(collected.reversed().dropFirst()) + [collected[0]]
        return (loss, Array(collected.reversed().dropLast()), outputs)
    }

    /// The loss, in evaluation mode, of the layers from `index` on applied to `inputs`, as if they
    /// were the outputs of layer `index − 1`; with `index` the number of layers, the loss of
    /// `inputs` as the network's output.
    ///
    /// - Parameters:
    ///   - index: The first layer to run, in `0...layers.count`.
    ///   - inputs: `[n] + ` that layer's input shape (the network's output shape for the last).
    ///   - targets: As the model protocol shapes them for the loss.
    public func loss(fromLayer index: Int, inputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> Scalar {
        let shape = index < layers.count ? architecture.layers[index].inputShape : architecture.outputShape
        precondition(Array(inputs.shape.dropFirst()) == shape, "inputs do not match layer \(index)")
        let (input, target) = (Buffer(inputs.scalars), Buffer(targets.scalars))
        var batch = Batch(count: inputs.shape[0], shape: shape, pointer: input.pointer)
        for layer in layers[index...] { batch = layer.forward(batch, training: false) }
        return lossValue(batch, targets: target.pointer, gradient: nil)
    }
}
