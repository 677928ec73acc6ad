import NNBenchDatasets

extension ArchitectureSpec {
    /// Infers every layer's shapes from the input shape and checks that the architecture can work.
    ///
    /// Output sizes follow PyTorch: conv2d `⌊(h + 2p − k) / s⌋ + 1`, pools `⌊(h − size) / stride⌋ + 1`.
    ///
    /// - Parameters:
    ///   - inputShape: One sample's shape: `[features]` or `[channels, height, width]`.
    ///   - outputWidth: The number of outputs the task needs, or `nil` to accept any.
    /// - Returns: Each layer with its input and output shapes and its parameters, named and
    ///   shaped as docs/protocol.md says.
    /// - Throws: ``SpecError``, pointing at the layer, for no layers, a dense layer on an image,
    ///   a conv or pool on a flat input, a window larger than its input, an empty output, or a
    ///   last layer whose width is not `outputWidth`.
    public func resolve(inputShape: [Int], outputWidth: Int?) throws(SpecError) -> ResolvedArchitecture {
        guard inputShape.count == 1 || inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw SpecError("the input shape \(inputShape) is not [features] or [channels, height, width] of positive sizes")
        }
        guard !layers.isEmpty else {
            throw SpecError("the architecture has no layers", source: source, range: 0..<0)
        }
        var shape = inputShape
        var resolved: [ResolvedLayer] = []
        for (index, layer) in layers.enumerated() {
            let (output, parameters, state) = try resolve(layer, at: index, input: shape)
            guard output.allSatisfy({ $0 >= 1 }) else {
                throw error("its output \(output) is empty", atLayer: index)
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
            guard kernel <= min(height, width) + 2 * padding else {
                let padded = "\(height + 2 * padding)×\(width + 2 * padding)"
                throw error("kernel \(kernel) is larger than its padded input \(padded) (input \(input), padding \(padding))", atLayer: index)
            }
            let output = [filters, (height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1]
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
            return ([input.reduce(1, *)], [], [])
        case .relu, .leakyReLU, .tanh, .sigmoid, .identity, .softplus, .gelu, .dropout:
            return (input, [], [])
        }
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
