import NNBenchIO
import NNBenchDatasets

extension ArchitectureSpec {
    /// Infers every layer's shapes from the input shape and checks that the architecture can work.
    ///
    /// Output sizes follow PyTorch: conv2d `⌊(h + 2p − k) / s⌋ + 1`, pools `⌊(h − size) / stride⌋ + 1`;
    /// dense on a sequence `[steps, f]` acts on the last axis at every step, as `nn.Linear` does.
    /// Every size is computed in checked arithmetic and held to ``SizeLimits`` before anything is
    /// allocated.
    ///
    /// - Parameters:
    ///   - inputShape: One sample's shape: `[features]` (token indices `[steps]` before an
    ///     embedding), a sequence `[steps, features]`, or an image `[channels, height, width]`.
    ///   - outputWidth: The number of outputs the task needs, or `nil` to accept any.
    /// - Returns: Each layer with its input and output shapes and its parameters, named and
    ///   shaped as docs/protocol.md says.
    /// - Throws: ``SpecError``, pointing at the layer, for no layers, a dense layer on an image,
    ///   a conv or pool on a flat input, a recurrent layer on anything but a sequence, an
    ///   embedding anywhere but first, batchnorm on a sequence, a window larger than its input,
    ///   an empty output, a size beyond ``SizeLimits`` (a layer's output or conv2d's columns per
    ///   sample, the parameters in all), or a last layer whose width is not `outputWidth`.
    public func resolve(inputShape: [Int], outputWidth: Int?) throws(SpecError) -> ResolvedArchitecture {
        try resolve(inputShape: inputShape, outputShape: outputWidth.map { [$0] })
    }

    /// Infers every layer's shapes, as ``resolve(inputShape:outputWidth:)``, for a task whose
    /// output may be a sequence.
    ///
    /// - Parameters:
    ///   - inputShape: One sample's shape.
    ///   - outputShape: The output one sample needs: `[outputs]`, or `[steps, outputs]` for one
    ///     prediction per step (``LearningTask/outputShape``); `nil` to accept any.
    /// - Returns: The resolved architecture.
    /// - Throws: ``SpecError`` as ``resolve(inputShape:outputWidth:)``, and for a last layer whose
    ///   output is not `outputShape`.
    public func resolve(inputShape: [Int], outputShape: [Int]?) throws(SpecError) -> ResolvedArchitecture {
        guard (1...3).contains(inputShape.count), inputShape.allSatisfy({ $0 >= 1 }) else {
            throw SpecError("the input shape \(inputShape) is not [features], [steps, features] or [channels, height, width] of positive sizes")
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
        if let outputShape, shape != outputShape {
            let last = layers.count - 1
            let outputWidth = outputShape.last!
            let needs = switch outputShape.count {
            case 1: outputWidth == 1 ? "1 output" : "\(outputWidth) outputs"
            default: "\(outputShape), \(outputWidth) output\(outputWidth == 1 ? "" : "s") at each of \(outputShape[0]) steps"
            }
            let recurrent = layers.contains(where: \.isRecurrent)
            let gives = switch (shape.count, outputShape.count) {
            case (1, 1): "\(shape[0])"
            case (2, 1) where recurrent: "\(shape), one per step; give the last recurrent layer 'sequence: false' to keep only its last step"
            case (2, 1): "\(shape), one per step; add 'flatten' first (the dense layers then read every step at once), or a recurrent layer with 'sequence: false'"
            case (1, _) where recurrent: "\(shape); keep every step of the last recurrent layer ('sequence: true', the default)"
            case (1, _): "\(shape); an output per step needs a recurrent layer that keeps every step, e.g. '… gru(32) dense(\(outputWidth))' ('embedding' first for token inputs)"
            case (2, _): "\(shape)"
            default: "\(shape); end with 'flatten' and 'dense(\(outputWidth))'"
            }
            throw error("the task needs \(needs) but the last layer '\(layerText(last))' gives \(gives)", atLayer: last, namingLayer: false)
        }
        return ResolvedArchitecture(architecture: self, inputShape: inputShape, layers: resolved)
    }

    private func resolve(_ layer: LayerSpec, at index: Int, input: [Int]) throws(SpecError) -> (output: [Int], parameters: [TensorSpec], state: [TensorSpec]) {
        func tensor(_ name: String, _ shape: [Int], _ initializer: Initializer) -> TensorSpec {
            TensorSpec(name: "\(index).\(name)", shape: shape, initializer: initializer)
        }
        switch layer {
        case .dense(let units, let bias, let initializer):
            guard input.count <= 2 else {
                throw error("expects a flat input but gets \(input); add 'flatten' before it", atLayer: index)
            }
            let weight = tensor("weight", [input.last!, units], initializer)
            return (Array(input.dropLast()) + [units], bias ? [weight, tensor("bias", [units], .zeros)] : [weight], [])
        case .rnn(let units, _, let sequence, let bias), .gru(let units, let sequence, let bias):
            let gates = if case .gru = layer { 3 } else { 1 }
            return (try recurrentOutput(input, units: units, sequence: sequence, at: index),
                    recurrentParameters(index, inputs: input.last!, units: units, gates: gates, bias: bias), [])
        case .lstm(let units, let sequence, let bias, let forgetBias):
            var parameters = recurrentParameters(index, inputs: input.last!, units: units, gates: 4, bias: bias)
            if let forgetBias, bias {
                // The forget gate's effective bias b_if + b_hf starts at forget_bias: b_if holds it, b_hf is 0.
                let forget = units..<2 * units
                parameters[2] = parameters[2].with([ConstantBlock(range: forget, value: forgetBias)])
                parameters[3] = parameters[3].with([ConstantBlock(range: forget, value: 0)])
            }
            return (try recurrentOutput(input, units: units, sequence: sequence, at: index), parameters, [])
        case .embedding(let vocabulary, let dim):
            guard index == 0 else {
                throw error("reads token indices, so it must be the first layer", atLayer: index)
            }
            guard input.count == 1 else {
                throw error("expects token indices [steps] but gets \(input)", atLayer: index)
            }
            return ([input[0], dim], [tensor("weight", [vocabulary, dim], .normal(standardDeviation: 1))], [])
        case .batchNorm:
            guard input.count != 2 else {
                throw error("does not take a sequence [steps, features] (\(input)); it normalises features or channels", atLayer: index)
            }
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

    /// The output of a recurrent layer on `input`: every step's hidden state, or the last one's.
    private func recurrentOutput(_ input: [Int], units: Int, sequence: Bool, at index: Int) throws(SpecError) -> [Int] {
        guard input.count == 2 else {
            throw error("expects a sequence [steps, features] but gets \(input)", atLayer: index)
        }
        return sequence ? [input[0], units] : [units]
    }

    /// A recurrent layer's parameters as PyTorch names, shapes and initialises them:
    /// `weight_ih [gates·units, inputs]`, `weight_hh [gates·units, units]`, `bias_ih` and
    /// `bias_hh [gates·units]`, every value from `U(−1/√units, 1/√units)`.
    private func recurrentParameters(_ index: Int, inputs: Int, units: Int, gates: Int, bias: Bool) -> [TensorSpec] {
        let initializer = Initializer.uniform(bound: 1 / Double(units).squareRoot())
        func tensor(_ name: String, _ shape: [Int]) -> TensorSpec {
            TensorSpec(name: "\(index).\(name)", shape: shape, initializer: initializer)
        }
        let weights = [tensor("weight_ih", [gates * units, inputs]), tensor("weight_hh", [gates * units, units])]
        return bias ? weights + [tensor("bias_ih", [gates * units]), tensor("bias_hh", [gates * units])] : weights
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
    /// - Throws: ``SpecError`` when the architecture cannot work on the task, or when it starts
    ///   with an embedding and an input of the task is not a token index in `0..<vocabulary`.
    public func resolve(for task: LearningTask) throws(SpecError) -> ResolvedArchitecture {
        let resolved = try resolve(inputShape: task.inputShape, outputShape: task.outputShape)
        if case .embedding(let vocabulary, _) = layers[0] {
            for split in [task.train, task.validation, task.test] {
                guard let bad = split.inputs.firstIndex(where: { !($0 >= 0 && $0 < Double(vocabulary) && $0 == $0.rounded()) }) else { continue }
                let value = split.inputs[bad]
                throw error("expects token indices 0...\(vocabulary - 1), but input \(bad % split.inputWidth) of \(split.name.rawValue) sample \(bad / split.inputWidth) of '\(task.name)' is \(canonicalNumberText(value))", atLayer: 0)
            }
        }
        return resolved
    }
}
