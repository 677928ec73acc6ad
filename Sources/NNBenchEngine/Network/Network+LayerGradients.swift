extension Network {
    /// The gradient of the loss with respect to the input of every layer, in evaluation mode: the
    /// values a layer-by-layer gradient check compares with central differences of
    /// ``loss(fromLayer:inputs:targets:)``.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - targets: As `PROTOCOL.md` shapes them for the loss.
    /// - Returns: The loss and, for each layer in order, d loss / d (its input), shaped as that input.
    public func layerInputGradients(inputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> (loss: Scalar, gradients: [Tensor<Scalar>]) {
        layers.first?.computesInputGradient = true
        defer { layers.first?.computesInputGradient = false }
        let (input, target) = (Buffer(inputs.scalars), Buffer(targets.scalars))
        let output = forward(Batch(count: inputs.shape[0], shape: architecture.inputShape, pointer: input.pointer), training: false)
        let outputGradient = Buffer<Scalar>(count: output.size)
        let loss = lossValue(output, targets: target.pointer, gradient: outputGradient.pointer)
        var gradient = Batch(count: output.count, shape: output.shape, pointer: outputGradient.pointer)
        var gradients: [Tensor<Scalar>] = []
        for layer in layers.reversed() {
            gradient = layer.backward(gradient)
            gradients.append(gradient.tensor)
        }
        return (loss, gradients.reversed())
    }

    /// The loss, in evaluation mode, of the layers from `index` on applied to `inputs`, as if they
    /// were the outputs of layer `index − 1`.
    ///
    /// - Parameters:
    ///   - index: The first layer to run.
    ///   - inputs: `[n] + ` that layer's input shape.
    ///   - targets: As `PROTOCOL.md` shapes them for the loss.
    public func loss(fromLayer index: Int, inputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> Scalar {
        precondition(Array(inputs.shape.dropFirst()) == architecture.layers[index].inputShape, "inputs do not match layer \(index)")
        let (input, target) = (Buffer(inputs.scalars), Buffer(targets.scalars))
        var batch = Batch(count: inputs.shape[0], shape: architecture.layers[index].inputShape, pointer: input.pointer)
        for layer in layers[index...] { batch = layer.forward(batch, training: false) }
        return lossValue(batch, targets: target.pointer, gradient: nil)
    }
}
