import NNBenchDatasets

/// A network built from an architecture: nnbench's reference implementation, layer by layer,
/// with parameters named and shaped as the model protocol (`docs/protocol.md`) says.
///
/// The same architecture and seed give the same initial weights, bit for bit, and the same
/// inputs give the same outputs whatever the number of threads.
public final class Network<Scalar: EngineScalar> {
    /// The architecture with every layer's shapes.
    public let architecture: ResolvedArchitecture
    /// The loss the network is trained with.
    public let loss: Loss
    package let layers: [any Layer<Scalar>]
    private let input = Buffer<Scalar>()
    private let targets = Buffer<Scalar>()
    private let lossGradient = Buffer<Scalar>()
    private var lastOutput: Batch<Scalar>?
    /// What changes the network's computation from outside the engine, or `nil`: nnbench's
    /// own networks have none.
    private let modifier: (any NetworkModifier<Scalar>)?
    /// Whether every forward pass keeps a copy of each layer's output (``lastOutputs``), for
    /// checks that compare the trace of a training step; off for training, which never needs it.
    public var recordsOutputs = false
    /// Every layer's output in the last forward pass, in order, while ``recordsOutputs`` is on.
    public private(set) var lastOutputs: [Tensor<Scalar>] = []

    /// Builds a network and initialises its parameters.
    ///
    /// Each parameter's values are drawn from its own Philox stream, keyed by the seed and the
    /// parameter's name, so a layer's initial weights do not depend on the layers before it.
    ///
    /// - Parameters:
    ///   - architecture: A resolved architecture (``ArchitectureSpec/resolve(inputShape:outputWidth:)``).
    ///   - loss: The loss.
    ///   - seed: The seed of the initial weights and of dropout's masks.
    ///   - threads: The most threads a matrix product may use; results do not depend on it.
    public convenience init(_ architecture: ResolvedArchitecture, loss: Loss, seed: UInt64, threads: Int = 1) {
        self.init(architecture, loss: loss, seed: seed, threads: threads, modifier: nil)
    }

    /// Builds a network whose layers, initial weights, loss or training targets `modifier`
    /// changes (``NetworkModifier``); with `nil`, the engine's own network.
    package init(
        _ architecture: ResolvedArchitecture, loss: Loss, seed: UInt64, threads: Int = 1,
        modifier: (any NetworkModifier<Scalar>)?
    ) {
        self.architecture = architecture
        self.loss = loss
        self.modifier = modifier
        layers = architecture.layers.map { resolved in
            let layer = Self.makeLayer(resolved, seed: seed, threads: threads)
            return modifier?.layer(replacing: layer) ?? layer
        }
        for (layer, resolved) in zip(layers, architecture.layers) {
            for (tensor, spec) in zip(layer.parameters + layer.state, resolved.parameters + resolved.state) {
                Self.initialise(tensor.value, spec: spec, seed: seed)
            }
        }
        modifier?.initialised(trainable)
        layers.first?.computesInputGradient = false
    }

    private static func makeLayer(_ layer: ResolvedLayer, seed: UInt64, threads: Int) -> any Layer<Scalar> {
        switch layer.spec {
        case .dense(let units, let bias, _):
            return DenseLayer(index: layer.index, inputs: layer.inputShape.last!, units: units, bias: bias, threads: threads)
        case .relu: return ActivationLayer(.relu)
        case .leakyReLU(let slope): return ActivationLayer(.leakyReLU(slope: slope))
        case .tanh: return ActivationLayer(.tanh)
        case .sigmoid: return ActivationLayer(.sigmoid)
        case .identity: return ActivationLayer(.identity)
        case .softplus: return ActivationLayer(.softplus)
        case .gelu: return ActivationLayer(.gelu)
        case .flatten: return FlattenLayer()
        case .dropout(let rate):
            return DropoutLayer(rate: rate, key: StreamKey.make(seed: seed, purpose: "dropout/\(layer.index)"))
        case .batchNorm(let momentum, let epsilon):
            return BatchNormLayer(index: layer.index, shape: layer.inputShape, momentum: momentum, epsilon: epsilon)
        case .conv2d(let filters, let kernel, let stride, let padding, let bias, _):
            return Conv2DLayer(
                index: layer.index, inputShape: layer.inputShape, outputShape: layer.outputShape, filters: filters,
                kernel: kernel, stride: stride, padding: padding, bias: bias, threads: threads)
        case .maxPool2d(let size, let stride):
            return PoolingLayer(.max, inputShape: layer.inputShape, outputShape: layer.outputShape, size: size, stride: stride ?? size)
        case .avgPool2d(let size, let stride):
            return PoolingLayer(
                .average, inputShape: layer.inputShape, outputShape: layer.outputShape, size: size, stride: stride ?? size)
        case .rnn(let units, let nonlinearity, let sequence, let bias):
            return RNNLayer(
                index: layer.index, inputs: layer.inputShape[1], steps: layer.inputShape[0], units: units, nonlinearity: nonlinearity,
                returnsSequence: sequence, bias: bias, threads: threads)
        case .lstm(let units, let sequence, let bias, _):
            return LSTMLayer(
                index: layer.index, inputs: layer.inputShape[1], steps: layer.inputShape[0], units: units, returnsSequence: sequence,
                bias: bias, threads: threads)
        case .gru(let units, let sequence, let bias):
            return GRULayer(
                index: layer.index, inputs: layer.inputShape[1], steps: layer.inputShape[0], units: units, returnsSequence: sequence,
                bias: bias, threads: threads)
        case .embedding(let vocabulary, let dim):
            return EmbeddingLayer(index: layer.index, vocabulary: vocabulary, dim: dim)
        }
    }

    private static func initialise(_ buffer: Buffer<Scalar>, spec: TensorSpec, seed: UInt64) {
        let fans = Initializer.fans(ofWeightShape: spec.shape)
        let key = StreamKey.make(seed: seed, purpose: "init/\(spec.name)")
        let values = buffer.pointer
        switch spec.initializer.distribution(fanIn: fans.fanIn, fanOut: fans.fanOut) {
        case .constant(let value):
            values.update(repeating: Scalar(value), count: spec.count)
        case .uniform(let bound):
            for i in 0..<spec.count {
                var stream = RandomStream(key: key, index: UInt64(i))
                values[i] = Scalar(stream.uniform(-bound, bound))
            }
        case .normal(let deviation):
            for i in 0..<spec.count {
                var stream = RandomStream(key: key, index: UInt64(i))
                values[i] = Scalar(deviation * stream.normal())
            }
        }
        for block in spec.constantBlocks { (values + block.range.lowerBound).update(repeating: Scalar(block.value), count: block.range.count) }
    }

    // MARK: Parameters

    /// The trainable tensors in protocol order (`0.weight`, `0.bias`, `2.weight`, ...).
    package var trainable: [Parameter<Scalar>] { layers.flatMap { $0.parameters } }

    /// The parameters' current values, in protocol order.
    public var parameters: [(name: String, value: Tensor<Scalar>)] {
        trainable.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.value.array)) }
    }

    /// The gradients of the last ``gradients(inputs:targets:training:)`` or training step, in
    /// protocol order.
    public var gradients: [(name: String, value: Tensor<Scalar>)] {
        trainable.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.gradient.array)) }
    }

    /// Running statistics (batchnorm's `running_mean` and `running_var`), in layer order.
    public var state: [(name: String, value: Tensor<Scalar>)] {
        layers.flatMap { $0.state }.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.value.array)) }
    }

    /// Replaces parameter values (and running statistics) by name.
    ///
    /// - Parameter values: Tensors by name; each must have the parameter's exact shape.
    /// - Throws: ``NetworkError`` for an unknown name or a wrong shape; nothing is changed then.
    public func setParameters(_ values: [String: Tensor<Scalar>]) throws(NetworkError) {
        let tensors = layers.flatMap { $0.parameters + $0.state }
        for name in values.keys.sorted() {
            guard let tensor = tensors.first(where: { $0.name == name }) else {
                throw .unknownParameter(name, known: tensors.map(\.name))
            }
            guard values[name]!.shape == tensor.shape else {
                throw .shapeMismatch(name, expected: tensor.shape, got: values[name]!.shape)
            }
        }
        for tensor in tensors { if let value = values[tensor.name] { tensor.value.assign(value.scalars) } }
    }

    // MARK: Forward and backward

    /// Runs a batch through every layer.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - training: Training mode (dropout drops, batchnorm uses and updates batch statistics).
    /// - Returns: The raw outputs (logits for classification), `[n, outputs]`.
    public func forward(_ inputs: Tensor<Scalar>, training: Bool = false) -> Tensor<Scalar> {
        forward(load(inputs), training: training).tensor
    }

    /// Runs a batch through every layer and returns every layer's output, in order.
    public func trace(_ inputs: Tensor<Scalar>, training: Bool = false) -> [Tensor<Scalar>] {
        var batch = load(inputs)
        return layers.map { layer in
            batch = layer.forward(batch, training: training)
            return batch.tensor
        }
    }

    /// The mean loss of a batch, in evaluation mode.
    public func loss(inputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> Scalar {
        let output = forward(load(inputs), training: false)
        self.targets.assign(targets.scalars)
        return lossValue(output, targets: self.targets.pointer, gradient: nil)
    }

    /// The loss of an output batch and, when asked, its gradient: the engine's kernel, or the
    /// modifier's loss when it replaces it.
    func lossValue(_ output: Batch<Scalar>, targets: UnsafePointer<Scalar>, gradient: UnsafeMutablePointer<Scalar>?) -> Scalar {
        let (samples, width) = output.lossRows
        if let value = modifier?.loss(loss, predictions: output.pointer, targets: targets, samples: samples, width: width, gradient: gradient) {
            return value
        }
        return Scalar._loss(loss, predictions: output.pointer, targets: targets, samples: samples, width: width, gradient: gradient)
    }

    /// Computes the loss of a batch and the gradients of every parameter (read them from
    /// ``gradients``) and returns the loss and d loss / d input.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - targets: As the model protocol (`docs/protocol.md`) shapes them for the loss.
    ///   - training: The mode of the forward pass.
    /// - Returns: The loss before any update, and the gradient with respect to the inputs.
    @discardableResult
    public func gradients(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, training: Bool = false
    ) -> (loss: Scalar, inputGradient: Tensor<Scalar>) {
        var inputGradient: Tensor<Scalar>?
        let loss = gradients(inputs: inputs, targets: targets, training: training) { inputGradient = $0.tensor }
        return (loss, inputGradient!)
    }

    /// Forward, loss and backward on a batch, handing `observe` the loss's gradient and then each
    /// layer's input gradient, from the last layer to the first.
    func gradients(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, training: Bool, observe: (Batch<Scalar>) -> Void
    ) -> Scalar {
        layers.first?.computesInputGradient = true
        defer { layers.first?.computesInputGradient = false }
        let batch = load(inputs)
        self.targets.assign(targets.scalars)
        return step(batch, targets: self.targets.pointer, training: training, observe: observe)
    }

    /// Forward, loss and backward on a batch already in memory: the training loop's hot path.
    ///
    /// - Parameter observe: Called with the loss's gradient and then each layer's input
    ///   gradient, from the last layer to the first, while they are valid.
    /// - Returns: The loss; the gradients are in the parameters' gradient buffers.
    package func step(
        _ batch: Batch<Scalar>, targets: UnsafePointer<Scalar>, training: Bool, observe: (Batch<Scalar>) -> Void = { _ in }
    ) -> Scalar {
        var batch = batch
        if let modifier, training {
            batch = Batch(count: batch.count, shape: batch.shape, pointer: modifier.trainingInputs(batch.pointer, samples: batch.count, width: batch.width))
        }
        let output = forward(batch, training: training)
        lossGradient.resize(output.size)
        var targets = targets
        if let modifier, training {
            let width = loss == .softmaxCrossEntropy ? output.width / output.lossRows.width : output.width
            targets = modifier.trainingTargets(targets, samples: output.count, width: width)
        }
        let value = lossValue(output, targets: targets, gradient: lossGradient.pointer)
        var gradient = Batch(count: output.count, shape: output.shape, pointer: lossGradient.pointer)
        observe(gradient)
        // By index, as in forward: the sequence adapters' generic metadata was looked up at run
        // time on every step.
        for index in layers.indices.reversed() {
            gradient = layers[index].backward(gradient)
            observe(gradient)
        }
        return value
    }

    /// Runs a batch already in memory through every layer, keeping a copy of each layer's
    /// output in ``lastOutputs`` when ``recordsOutputs`` is on, and handing `observe` each
    /// layer's index and output while it is valid.
    func forward(_ batch: Batch<Scalar>, training: Bool, observe: ((Int, Batch<Scalar>) -> Void)? = nil) -> Batch<Scalar> {
        var batch = batch
        if recordsOutputs { lastOutputs = [] }
        for index in layers.indices {
            let layer = layers[index]
            batch = layer.forward(batch, training: training)
            if recordsOutputs { lastOutputs.append(batch.tensor) }
            observe?(index, batch)
        }
        return batch
    }

    /// Checks that a batch can be run: its samples have the network's input shape, and when
    /// initial states are set (``setInitialStates(_:)``), there are as many as the states'.
    /// Every pass requires it (and stops the program otherwise, as an out-of-range index does);
    /// call this first to get the reason as an error instead.
    ///
    /// - Parameter inputs: `[n] + inputShape`.
    /// - Throws: ``NetworkError/inputShapeMismatch(expected:got:)`` or
    ///   ``NetworkError/batchSizeMismatch(states:got:)``.
    public func validate(_ inputs: Tensor<Scalar>) throws(NetworkError) {
        guard Array(inputs.shape.dropFirst()) == architecture.inputShape else {
            throw .inputShapeMismatch(expected: architecture.inputShape, got: inputs.shape)
        }
        let samples = inputs.shape.first ?? 0
        for layer in layers {
            guard let sequence = layer.recurrent, let state = sequence.initialState?.first else { continue }
            if state.count != samples * sequence.units { throw .batchSizeMismatch(states: state.count / sequence.units, got: samples) }
        }
    }

    private func load(_ inputs: Tensor<Scalar>) -> Batch<Scalar> {
        do { try validate(inputs) } catch { preconditionFailure(error.description) }
        input.assign(inputs.scalars)
        return Batch(count: inputs.shape.first ?? 0, shape: architecture.inputShape, pointer: input.pointer)
    }
}

/// An error in values given to a ``Network``.
public enum NetworkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No parameter has that name.
    case unknownParameter(String, known: [String])
    /// A tensor's shape is not the parameter's.
    case shapeMismatch(String, expected: [Int], got: [Int])
    /// A dropout mask's shape is not its layer's input shape.
    case maskShapeMismatch(Int, expected: [Int], got: [Int])
    /// A dropout mask was given for a layer that is not a dropout layer.
    case notADropoutLayer(Int)
    /// No mask was given for a dropout layer.
    case missingMask(Int)
    /// A mask holds a value that is neither 0 nor the layer's `1 / (1 − rate)`.
    case invalidMask(Int, value: Double, kept: Double)
    /// An initial state was given for a layer that is not recurrent.
    case notARecurrentLayer(Int)
    /// An initial state does not fit its recurrent layer: why.
    case stateMismatch(Int, String)
    /// A batch's samples do not have the network's input shape.
    case inputShapeMismatch(expected: [Int], got: [Int])
    /// A batch of `got` samples while the initial states set are for `states`.
    case batchSizeMismatch(states: Int, got: Int)

    public var description: String {
        switch self {
        case .unknownParameter(let name, let known):
            return "unknown parameter '\(name)'; the network has: \(known.joined(separator: ", "))"
        case .shapeMismatch(let name, let expected, let got):
            return "parameter '\(name)' has shape \(expected) but the value given has shape \(got)"
        case .maskShapeMismatch(let index, let expected, let got):
            return "the mask of layer \(index) has shape \(got); expected [n] + the layer's input shape, \(expected)"
        case .notADropoutLayer(let index):
            return "a mask was given for layer \(index), which is not a dropout layer"
        case .missingMask(let index):
            return "no mask was given for the dropout layer \(index)"
        case .invalidMask(let index, let value, let kept):
            return "the mask of layer \(index) holds \(value); a dropout mask holds only 0 and 1/(1 − rate) = \(kept)"
        case .notARecurrentLayer(let index):
            return "an initial state was given for layer \(index), which is not a recurrent layer"
        case .stateMismatch(let index, let reason):
            return "the initial state of layer \(index) does not fit: \(reason)"
        case .inputShapeMismatch(let expected, let got):
            return "inputs of shape \(got) do not match the network's input \(expected)"
        case .batchSizeMismatch(let states, let got):
            return "the batch has \(got) sample(s) but the initial states are set for \(states); set states for this batch size, or none (zeros)"
        }
    }
}
