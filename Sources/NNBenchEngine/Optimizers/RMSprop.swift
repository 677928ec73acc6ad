/// RMSprop as `torch.optim.RMSprop`, per value:
///
///     g  += wd·p
///     sq  = α·sq + (1−α)·g²
///     ga  = α·ga + (1−α)·g                (centered only)
///     avg = √(sq − ga²) + eps             (centered; otherwise √sq + eps)
///     buf = μ·buf + g/avg,  p -= lr·buf   (with momentum μ > 0; otherwise p -= lr·g/avg)
///
/// Unlike SGD's, the momentum buffer starts at zero rather than at the first step's value.
final class RMSprop<Scalar: EngineScalar>: UpdateRule {
    private let parameters: [Parameter<Scalar>]
    private let alpha: Double
    private let epsilon: Double
    private let momentum: Double
    private let weightDecay: Double
    /// The running means of the squared gradients (`sq`), one buffer per parameter.
    private let squareAverages: [Buffer<Scalar>]
    /// The running means of the gradients (`ga`) when centered, one buffer per parameter.
    private let gradientAverages: [Buffer<Scalar>]?
    /// The momentum buffers (`buf`) with momentum, one per parameter.
    private let momentumBuffers: [Buffer<Scalar>]?

    init(parameters: [Parameter<Scalar>], alpha: Double, epsilon: Double, momentum: Double, weightDecay: Double, centered: Bool) {
        self.parameters = parameters
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
        squareAverages = parameters.map { Buffer(count: $0.count) }
        gradientAverages = centered ? parameters.map { Buffer(count: $0.count) } : nil
        momentumBuffers = momentum > 0 ? parameters.map { Buffer(count: $0.count) } : nil
    }

    func update(step _: Int, learningRate: Double) {
        for (index, parameter) in parameters.enumerated() {
            Scalar._rmspropStep(
                parameter: parameter.value.pointer, gradient: parameter.gradient.pointer,
                squareAverage: squareAverages[index].pointer, gradientAverage: gradientAverages?[index].pointer,
                momentumBuffer: momentumBuffers?[index].pointer, count: parameter.count, learningRate: learningRate,
                alpha: alpha, epsilon: epsilon, momentum: momentum, weightDecay: weightDecay)
        }
    }

    func reset() {
        squareAverages.forEach { $0.zero() }
        gradientAverages?.forEach { $0.zero() }
        momentumBuffers?.forEach { $0.zero() }
    }
}

/// The RMSprop update's kernel.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _RMSpropKernels {
    /// One `torch.optim.RMSprop` step on `count` values: `g = gradient + weightDecay·p`,
    /// `sq = α·sq + (1−α)·g²`; centered when `gradientAverage` is given: `ga = α·ga + (1−α)·g` and
    /// `avg = √(sq − ga²) + eps`, else `avg = √sq + eps`; with a momentum buffer
    /// `buf = momentum·buf + g/avg` and `p −= lr·buf`, else `p −= lr·g/avg`.
    static func _rmspropStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, squareAverage: UnsafeMutablePointer<Self>,
        gradientAverage: UnsafeMutablePointer<Self>?, momentumBuffer: UnsafeMutablePointer<Self>?, count: Int,
        learningRate: Double, alpha: Double, epsilon: Double, momentum: Double, weightDecay: Double)
}

extension EngineScalar {
    public static func _rmspropStep(
        parameter p: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, squareAverage sq: UnsafeMutablePointer<Self>,
        gradientAverage ga: UnsafeMutablePointer<Self>?, momentumBuffer buf: UnsafeMutablePointer<Self>?, count: Int,
        learningRate: Double, alpha: Double, epsilon: Double, momentum: Double, weightDecay: Double
    ) {
        let lr = Self(learningRate), a = Self(alpha), c = Self(1 - alpha), eps = Self(epsilon)
        let mu = Self(momentum), wd = Self(weightDecay)
        for i in 0..<count {
            let g = gradient[i] + wd * p[i]
            sq[i] = a * sq[i] + c * g * g
            let avg: Self
            if let ga {
                ga[i] = a * ga[i] + c * g
                avg = (sq[i] - ga[i] * ga[i]).squareRoot() + eps
            } else {
                avg = sq[i].squareRoot() + eps
            }
            if let buf {
                buf[i] = mu * buf[i] + g / avg
                p[i] -= lr * buf[i]
            } else {
                p[i] -= lr * (g / avg)
            }
        }
    }
}
