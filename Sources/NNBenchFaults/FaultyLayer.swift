import NNBenchEngine

/// A layer with an injected bug: it runs the correct layer and then redoes, wrongly, the part of
/// the forward or backward pass that the fault is about.
///
/// Only layers a fault concerns are wrapped (``wrap(_:fault:)``), so a correct network never
/// goes through this type. The faulty arithmetic is plain generic code rather than kernels:
/// speed does not matter for a demonstration of a bug.
final class FaultyLayer<Scalar: EngineScalar>: Layer {
    let inner: any Layer<Scalar>
    let fault: Fault
    private var input: Batch<Scalar>?
    private var trainedLast = false

    private init(_ inner: any Layer<Scalar>, fault: Fault) {
        self.inner = inner
        self.fault = fault
    }

    /// The layer wrapped, when `fault` concerns its kind; else `nil`.
    static func wrap(_ layer: any Layer<Scalar>, fault: Fault) -> FaultyLayer? {
        concerns(layer, fault) ? FaultyLayer(layer, fault: fault) : nil
    }

    private static func concerns(_ layer: any Layer<Scalar>, _ fault: Fault) -> Bool {
        switch fault {
        case .reluBackwardPassesNegative: (layer as? ActivationLayer<Scalar>)?.function == .relu
        case .sigmoidDerivativeOfInput: (layer as? ActivationLayer<Scalar>)?.function == .sigmoid
        case .tanhDerivativeOfInput: (layer as? ActivationLayer<Scalar>)?.function == .tanh
        case .denseWeightGradientTransposed, .denseInputGradientWrongProduct, .denseMissingBiasGradient,
             .denseBiasGradientNotSummed, .denseLeaksAcrossBatch, .denseInputGradientLastUnitOnly, .biasGradientAveraged:
            layer is DenseLayer<Scalar>
        case .convKernelFlipped: layer is Conv2DLayer<Scalar>
        case .maxpoolGradientToWindow, .maxpoolBackwardAssigns, .maxpoolBackwardFirstWindowOnly:
            (layer as? PoolingLayer<Scalar>)?.kind == .max
        case .dropoutNotInverted, .dropoutInEvaluation, .dropoutBackwardIgnoresMask: layer is DropoutLayer<Scalar>
        case .batchnormBatchStatisticsInEvaluation, .batchnormGradientIgnoresStatistics: layer is BatchNormLayer<Scalar>
        case .bpttTruncatedToOneStep, .rnnWeightHHGradientUsesCurrentState, .rnnWeightHHGradientSkipsFirstStep: layer is RNNLayer<Scalar>
        case .lstmInputForgetGatesSwapped, .lstmCellGradientSkipsForgetGate: layer is LSTMLayer<Scalar>
        case .gruResetUpdateGatesSwapped, .gruUpdateGateReversed: layer is GRULayer<Scalar>
        default: false
        }
    }

    var dropout: (any DropoutMasking<Scalar>)? { inner.dropout.map { FaultyMasking(inner: $0, fault: fault) } }
    var recurrent: RecurrentSequence<Scalar>? { inner.recurrent }
    var parameters: [Parameter<Scalar>] { inner.parameters }
    var state: [Parameter<Scalar>] { inner.state }
    var computesInputGradient: Bool {
        get { inner.computesInputGradient }
        set { inner.computesInputGradient = newValue }
    }

    func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        trainedLast = training
        switch fault {
        case .dropoutInEvaluation:
            return inner.forward(input, training: true)
        case .batchnormBatchStatisticsInEvaluation:
            // A single value per channel has no batch variance; PyTorch refuses it, so the buggy
            // layer falls back to its running statistics there rather than stopping the program.
            let values = input.count * input.shape.dropFirst().reduce(1, *)
            return inner.forward(input, training: training || values > 1)
        case .dropoutNotInverted:
            let output = inner.forward(input, training: training)
            if training { Scalar._scale(output.pointer, count: output.size, by: keepProbability) }
            return output
        case .denseLeaksAcrossBatch:
            let output = inner.forward(input, training: training)
            subtractBatchMean(output)
            return output
        case .convKernelFlipped:
            let conv = inner as! Conv2DLayer<Scalar>
            flipKernels(conv.weight.value, conv)
            defer { flipKernels(conv.weight.value, conv) }
            return inner.forward(input, training: training)
        case .lstmInputForgetGatesSwapped, .gruResetUpdateGatesSwapped, .gruUpdateGateReversed:
            let weights = gateLayoutWeights
            rearrangeGateBlocks(weights, \.value)
            defer { rearrangeGateBlocks(weights, \.value) }
            return inner.forward(input, training: training)
        default:
            return inner.forward(input, training: training)
        }
    }

    func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        if fault == .convKernelFlipped {
            // The flipped kernel's own gradient, consistently: this convolution is a different
            // function whose backward pass is right.
            let conv = inner as! Conv2DLayer<Scalar>
            flipKernels(conv.weight.value, conv)
            let inputGradient = inner.backward(outputGradient)
            flipKernels(conv.weight.value, conv)
            flipKernels(conv.weight.gradient, conv)
            return inputGradient
        }
        if [.lstmInputForgetGatesSwapped, .gruResetUpdateGatesSwapped, .gruUpdateGateReversed].contains(fault) {
            // As for the flipped kernel: the rearranged layer's own, consistent gradient. The
            // rearrangement is its own inverse and its own transpose, so it maps the gradient
            // with respect to the rearranged weights back to the stored ones.
            let weights = gateLayoutWeights
            rearrangeGateBlocks(weights, \.value)
            let inputGradient = inner.backward(outputGradient)
            rearrangeGateBlocks(weights, \.value)
            rearrangeGateBlocks(weights, \.gradient)
            return inputGradient
        }
        let inputGradient = inner.backward(outputGradient)
        guard let input else { preconditionFailure("backward before forward") }
        let (dy, dx) = (outputGradient.pointer, inputGradient.pointer)
        switch fault {
        case .reluBackwardPassesNegative:
            if computesInputGradient { dx.update(from: dy, count: input.size) }
        case .sigmoidDerivativeOfInput:
            if computesInputGradient {
                for i in 0..<input.size { dx[i] = dy[i] * input.pointer[i] * (1 - input.pointer[i]) }
            }
        case .tanhDerivativeOfInput:
            if computesInputGradient {
                for i in 0..<input.size { dx[i] = dy[i] * (1 - input.pointer[i] * input.pointer[i]) }
            }
        case .denseWeightGradientTransposed:
            let dense = inner as! DenseLayer<Scalar>
            let gradient = dense.weight.gradient, correct = gradient.array
            // dyᵀ·x is [units, in]; stored flat where [in, units] is expected.
            for i in 0..<dense.inputs {
                for j in 0..<dense.units { gradient.pointer[j * dense.inputs + i] = correct[i * dense.units + j] }
            }
        case .denseInputGradientWrongProduct:
            let dense = inner as! DenseLayer<Scalar>
            if computesInputGradient {
                Scalar.gemm(
                    m: input.size / dense.inputs, n: dense.inputs, k: dense.units, a: dy, lda: dense.units,
                    b: dense.weight.value.pointer, ldb: dense.inputs, beta: 0, c: dx, ldc: dense.inputs)
            }
        case .denseInputGradientLastUnitOnly:
            let dense = inner as! DenseLayer<Scalar>
            if computesInputGradient {
                // Unit u's share of dx is dy[:, u]·W[:, u]ᵀ; assigning it in the loop over u keeps the last.
                let (last, weight) = (dense.units - 1, dense.weight.value.pointer)
                // Every row dense computes: the samples, or a sequence's n·steps rows.
                for i in 0..<input.size / dense.inputs {
                    for k in 0..<dense.inputs { dx[i * dense.inputs + k] = dy[i * dense.units + last] * weight[k * dense.units + last] }
                }
            }
        case .denseMissingBiasGradient:
            (inner as! DenseLayer<Scalar>).bias?.gradient.zero()
        case .denseBiasGradientNotSummed:
            let dense = inner as! DenseLayer<Scalar>
            dense.bias?.gradient.pointer.update(from: dy, count: dense.units)
        case .biasGradientAveraged:
            if let bias = (inner as! DenseLayer<Scalar>).bias {
                for j in 0..<bias.count { bias.gradient.pointer[j] /= Scalar(input.count) }
            }
        case .maxpoolGradientToWindow:
            let pool = inner as! PoolingLayer<Scalar>
            if computesInputGradient {
                let planes = input.count * input.shape[0], area = pool.window.size * pool.window.size
                Scalar._averagePoolGradient(dy, planes: planes, window: pool.window, inputGradient: dx)
                Scalar._scale(dx, count: input.size, by: Scalar(area))
            }
        case .maxpoolBackwardAssigns, .maxpoolBackwardFirstWindowOnly:
            if computesInputGradient { routeMaxPoolGradient(dy, input: input, into: dx) }
        case .dropoutNotInverted:
            if trainedLast && computesInputGradient { Scalar._scale(dx, count: input.size, by: keepProbability) }
        case .dropoutBackwardIgnoresMask:
            if trainedLast && computesInputGradient {
                dx.update(from: dy, count: input.size)
                Scalar._scale(dx, count: input.size, by: Scalar(1 / (1 - (inner as! DropoutLayer<Scalar>).rate)))
            }
        case .batchnormGradientIgnoresStatistics:
            if trainedLast && computesInputGradient { constantStatisticsGradient(dy, input: input, into: dx) }
        case .bpttTruncatedToOneStep, .rnnWeightHHGradientUsesCurrentState, .rnnWeightHHGradientSkipsFirstStep:
            faultyRNNBackward(outputGradient, into: dx)
        case .lstmCellGradientSkipsForgetGate:
            faultyLSTMBackward(outputGradient, into: dx)
        default:
            break
        }
        return inputGradient
    }

    private var keepProbability: Scalar { Scalar(1 - (inner as! DropoutLayer<Scalar>).rate) }

    /// Centres every unit's output on its mean over the rows the layer computes: the batch's
    /// samples, or on a sequence `[n, steps, units]` its `n·steps` rows (dense acts on every
    /// step as on a sample, so an implementation that flattens the steps into the batch leaks
    /// across both).
    private func subtractBatchMean(_ output: Batch<Scalar>) {
        let width = (inner as! DenseLayer<Scalar>).units, n = output.size / width
        for j in 0..<width {
            var sum: Scalar = 0
            for i in 0..<n { sum += output.pointer[i * width + j] }
            let mean = sum / Scalar(n)
            for i in 0..<n { output.pointer[i * width + j] -= mean }
        }
    }

    /// Reverses every `k × k` kernel of a conv weight (or its gradient) in both directions.
    private func flipKernels(_ buffer: Buffer<Scalar>, _ conv: Conv2DLayer<Scalar>) {
        let area = conv.window.size * conv.window.size
        for start in stride(from: 0, to: buffer.count, by: area) {
            let kernel = buffer.pointer + start
            for i in 0..<area / 2 { kernel.swapAt(i, area - 1 - i) }
        }
    }
}

extension UnsafeMutablePointer {
    func swapAt(_ i: Int, _ j: Int) {
        let value = self[i]
        self[i] = self[j]
        self[j] = value
    }
}

/// The mask a faulty dropout layer reports: the multipliers it really applied, as a program with
/// the same bug would report them (1 for a kept value when dropout is not inverted).
private final class FaultyMasking<Scalar: EngineScalar>: DropoutMasking {
    let inner: any DropoutMasking<Scalar>
    let fault: Fault

    init(inner: any DropoutMasking<Scalar>, fault: Fault) {
        self.inner = inner
        self.fault = fault
    }

    var rate: Double { inner.rate }

    var lastMask: [Scalar] {
        fault == .dropoutNotInverted ? inner.lastMask.map { $0 * Scalar(1 - inner.rate) } : inner.lastMask
    }

    var replayedMask: [Scalar]? {
        get { inner.replayedMask }
        set { inner.replayedMask = newValue }
    }
}
