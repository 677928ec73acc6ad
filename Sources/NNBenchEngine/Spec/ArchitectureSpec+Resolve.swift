import NNBenchDatasets

extension ArchitectureSpec {
    /// Infers every layer's shapes from the input shape and checks that the architecture can work.
    ///
    /// Output sizes follow PyTorch: conv2d `⌊(h + 2p − k) / s⌋ + 1`, pools `⌊(h − size) / stride⌋ + 1`.
    /// Every size is computed in checked arithmetic and held to ``SizeLimits`` before anything is
    /// allocated.
    ///
    /// - Parameters:
    ///   - inputShape: One sample's shape: `[features]` or `[channels, height, width]`.
    ///   - outputWidth: The number of outputs the task needs, or `nil` to accept any.
    /// - Returns: Each layer with its input and output shapes and its parameters, named and
    ///   shaped as docs/protocol.md says.
    /// - Throws: ``SpecError``, pointing at the layer, for no layers, a dense layer on an image,
    ///   a conv or pool on a flat input, a window larger than its input, an empty output, a size
    ///   beyond ``SizeLimits`` (a layer's output or conv2d's columns per sample, the parameters in
    ///   all), or a last layer whose width is not `outputWidth`.
    public func resolve(inputShape: [Int], outputWidth: Int?) throws(SpecError) -> ResolvedArchitecture {
        guard inputShape.count == 1 || inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw SpecError("the input shape \(inputShape) is not [features] or [channels, height, width] of positive sizes")
        }
        guard SizeLimits.product(inputShape, atMost: SizeLimits.valuesPerSample) != nil else {
            throw SpecError("the input shape \(inputShape) holds more than \(SizeLimits.describe(SizeLimits.valuesPerSample)) values per sample, the engine's limit")
        }
        guard !layers.isEmpty else {
            throw SpecError("the architecture has no layers", source: source, range: 0..<0)
        }
        var shape = inputShape
        var resolved: [ResolvedLayer] = []
        var parameterCount = 0
        for (index, layer) in layers.enumerated() {
            let (output, parameters, state) = try resolve(layer, at: index, input: shape)
            guard output.allSatisfy({ $0 >= 1 }) else {
                throw error("its output \(output) is empty", atLayer: index)
            }
            try checkPerSample(output, "its output \(output)", at: index)
            for tensor in parameters {
                guard let count = SizeLimits.product(tensor.shape, atMost: SizeLimits.parameters - parameterCount) else {
                    throw error("its parameter \(tensor.name) \(tensor.shape) brings the network past \(SizeLimits.describe(SizeLimits.parameters)) trainable values, the engine's limit", atLayer: index)
                }
                parameterCount += count
            }
            resolved.append(ResolvedLayer(index: index, spec: layer, inputShape: shape, outputShape: output, parameters: parameters, state: state))
            shape = output
        }
        if let outputWidth, shape != [outputWidth] {
            let last = layers.count - 1
            let gives = shape.count == 1 ? "\(shape[0])" : "\(shape); end with 'flatten' and 'dense(\(outputWidth))'"
            let outputs = outputWidth == 1 ? "1 output" : "\(outputWidth) outputs"
            throw error("the task needs \(outputs) but the last layer '\(layerText(last))' gives \(gives)", atLayer: last, namingLayer: false)
        }
        return ResolvedArchitecture(architecture: self, inputShape: inputShape, layers: resolved)
    }

    private func resolve(_ layer: LayerSpec, at index: Int, input: [Int]) throws(SpecError) -> (output: [Int], parameters: [TensorSpec], state: [TensorSpec]) {
        func tensor(_ name: String, _ shape: [Int], _ initializer: Initializer) -> TensorSpec {
            TensorSpec(name: "\(index).\(name)", shape: shape, initializer: initializer)
        }
        switch layer {
        case .dense(let units, let bias, let initializer):
            guard input.count == 1 else {
                throw error("expects a flat input but gets \(input); add 'flatten' before it", atLayer: index)
            }
            let weight = tensor("weight", [input[0], units], initializer)
            return ([units], bias ? [weight, tensor("bias", [units], .zeros)] : [weight], [])
        case .batchNorm:
            let features = input[0]
            return (input, [tensor("weight", [features], .constant(1)), tensor("bias", [features], .zeros)],
                    [tensor("running_mean", [features], .zeros), tensor("running_var", [features], .constant(1))])
        case .conv2d(let filters, let kernel, let stride, let padding, let bias, let initializer):
            let (height, width) = try image(input, at: index)
            // The options are below 10^15 and the input's sides below 2^22, so no sum overflows;
            // the products are held to the limits below.
            let (paddedHeight, paddedWidth) = (height + 2 * padding, width + 2 * padding)
            guard kernel <= min(paddedHeight, paddedWidth) else {
                throw error("kernel \(kernel) is larger than its padded input \(paddedHeight)×\(paddedWidth) (input \(input), padding \(padding))", atLayer: index)
            }
            let output = [filters, (paddedHeight - kernel) / stride + 1, (paddedWidth - kernel) / stride + 1]
            try checkPerSample(output, "its output \(output)", at: index)
            // im2col's columns: every window of every channel, one sample at a time.
            try checkPerSample(
                [input[0], kernel, kernel, output[1], output[2]],
                "its windows (\(input[0]) channels × \(kernel)×\(kernel) at \(output[1])×\(output[2]) positions)", at: index)
            let weight = tensor("weight", [filters, input[0], kernel, kernel], initializer)
            return (output, bias ? [weight, tensor("bias", [filters], .zeros)] : [weight], [])
        case .maxPool2d(let size, let stride), .avgPool2d(let size, let stride):
            let (height, width) = try image(input, at: index)
            guard size <= min(height, width) else {
                throw error("pool size \(size) is larger than its input \(height)×\(width) (input \(input))", atLayer: index)
            }
            let step = stride ?? size
            return ([input[0], (height - size) / step + 1, (width - size) / step + 1], [], [])
        case .flatten:
            // Every input shape was held to SizeLimits.valuesPerSample, so the product fits.
            return ([input.reduce(1, *)], [], [])
        case .relu, .leakyReLU, .tanh, .sigmoid, .identity, .softplus, .gelu, .dropout:
            return (input, [], [])
        }
    }

    /// Refuses a per-sample buffer of more than ``SizeLimits/valuesPerSample`` values.
    private func checkPerSample(_ shape: [Int], _ what: String, at index: Int) throws(SpecError) {
        guard SizeLimits.product(shape, atMost: SizeLimits.valuesPerSample) == nil else { return }
        throw error("\(what) holds more than \(SizeLimits.describe(SizeLimits.valuesPerSample)) values per sample, the engine's limit", atLayer: index)
    }

    /// The height and width of an image input.
    private func image(_ input: [Int], at index: Int) throws(SpecError) -> (height: Int, width: Int) {
        guard input.count == 3 else {
            throw error("expects an image input [channels, height, width] but gets \(input)", atLayer: index)
        }
        return (input[1], input[2])
    }
}

extension ArchitectureSpec {
    /// Infers every layer's shapes for a task: its input shape and the width its loss needs.
    ///
    /// - Parameter task: The task the architecture is to be trained on.
    /// - Returns: The resolved architecture.
    /// - Throws: ``SpecError`` when the architecture cannot work on the task.
    public func resolve(for task: LearningTask) throws(SpecError) -> ResolvedArchitecture {
        try resolve(inputShape: task.inputShape, outputWidth: task.outputWidth)
    }
}
