/// Stochastic gradient descent as `torch.optim.SGD` with dampening 0, per value at step `t`:
///
///     g += wd·p
///     b  = (t == 1 ? g : μ·b + g)         (only with momentum μ > 0)
///     g  = nesterov ? g + μ·b : b         (only with momentum μ > 0)
///     p -= lr·g
final class SGD<Scalar: EngineScalar>: UpdateRule {
    private let parameters: [Parameter<Scalar>]
    private let momentum: Double
    private let nesterov: Bool
    private let weightDecay: Double
    /// One momentum buffer per parameter, or none without momentum.
    private let momentumBuffers: [Buffer<Scalar>]?

    init(parameters: [Parameter<Scalar>], momentum: Double, nesterov: Bool, weightDecay: Double) {
        self.parameters = parameters
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        momentumBuffers = momentum > 0 ? parameters.map { Buffer(count: $0.count) } : nil
    }

    func update(step: Int, learningRate: Double) {
        for (index, parameter) in parameters.enumerated() {
            Scalar._sgdStep(
                parameter: parameter.value.pointer, gradient: parameter.gradient.pointer,
                momentumBuffer: momentumBuffers?[index].pointer, count: parameter.count, learningRate: learningRate,
                momentum: momentum, nesterov: nesterov, weightDecay: weightDecay, firstStep: step == 1)
        }
    }

    func reset() {
        // The first step overwrites the buffers anyway; zeros keep the state plainly empty.
        momentumBuffers?.forEach { $0.zero() }
    }
}

/// The SGD update's kernel.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _SGDKernels {
    /// One `torch.optim.SGD` step (dampening 0) on `count` values: `g = gradient + weightDecay·p`;
    /// with a momentum buffer `b = (firstStep ? g : momentum·b + g)` and
    /// `g = nesterov ? g + momentum·b : b`; then `p −= learningRate·g`. The gradient is not changed.
    static func _sgdStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, momentumBuffer: UnsafeMutablePointer<Self>?,
        count: Int, learningRate: Double, momentum: Double, nesterov: Bool, weightDecay: Double, firstStep: Bool)
}

extension EngineScalar {
    public static func _sgdStep(
        parameter p: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, momentumBuffer: UnsafeMutablePointer<Self>?,
        count: Int, learningRate: Double, momentum: Double, nesterov: Bool, weightDecay: Double, firstStep: Bool
    ) {
        let lr = Self(learningRate), mu = Self(momentum), wd = Self(weightDecay)
        guard let b = momentumBuffer else {
            for i in 0..<count { p[i] -= lr * (gradient[i] + wd * p[i]) }
            return
        }
        for i in 0..<count {
            let g = gradient[i] + wd * p[i]
            b[i] = firstStep ? g : mu * b[i] + g
            p[i] -= lr * (nesterov ? g + mu * b[i] : b[i])
        }
    }
}
