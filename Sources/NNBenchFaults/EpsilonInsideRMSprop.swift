import NNBenchEngine

/// RMSprop with ``Fault/rmspropWithoutEpsInside``'s mistake: `torch.optim.RMSprop` (the engine's
/// RMSprop, `docs/protocol.md`) except that it divides by `√(v + eps)`, not `√v + eps`, per value:
///
///     g  += wd·p
///     sq  = α·sq + (1−α)·g²
///     ga  = α·ga + (1−α)·g                (centered only)
///     v   = sq − ga²  (centered; otherwise sq)
///     avg = √(v + eps)                    (the mistake; PyTorch: √v + eps)
///     buf = μ·buf + g/avg,  p -= lr·buf   (with momentum μ > 0; otherwise p -= lr·g/avg)
///
/// The two agree where `v ≫ eps`; where `v` is near 0 the faulty step is smaller by up to a
/// factor `1/√eps`, so the mistake shows most with a large eps (the reference check's 1e-3).
final class EpsilonInsideRMSprop<Scalar: EngineScalar>: UpdateRule {
    private let parameters: [Parameter<Scalar>]
    private let alpha: Double
    private let epsilon: Double
    private let momentum: Double
    private let weightDecay: Double
    private let centered: Bool
    /// `sq`, `ga` and `buf`, one buffer each per parameter (`ga` and `buf` unused unless centered
    /// or with momentum: this is a demonstration, not a hot path).
    private let squareAverages: [Buffer<Scalar>]
    private let gradientAverages: [Buffer<Scalar>]
    private let momentumBuffers: [Buffer<Scalar>]

    init(parameters: [Parameter<Scalar>], alpha: Double, epsilon: Double, momentum: Double, weightDecay: Double, centered: Bool) {
        self.parameters = parameters
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.centered = centered
        squareAverages = parameters.map { Buffer(count: $0.count) }
        gradientAverages = parameters.map { Buffer(count: $0.count) }
        momentumBuffers = parameters.map { Buffer(count: $0.count) }
    }

    func update(step _: Int, learningRate: Double) {
        let lr = Scalar(learningRate), a = Scalar(alpha), c = Scalar(1 - alpha), eps = Scalar(epsilon)
        let mu = Scalar(momentum), wd = Scalar(weightDecay)
        for (index, parameter) in parameters.enumerated() {
            let (p, gradient) = (parameter.value.pointer, parameter.gradient.pointer)
            let (sq, ga, buf) = (squareAverages[index].pointer, gradientAverages[index].pointer, momentumBuffers[index].pointer)
            for i in 0..<parameter.count {
                let g = gradient[i] + wd * p[i]
                sq[i] = a * sq[i] + c * g * g
                var variance = sq[i]
                if centered {
                    ga[i] = a * ga[i] + c * g
                    variance -= ga[i] * ga[i]
                }
                let avg = (variance + eps).squareRoot()
                if momentum > 0 {
                    buf[i] = mu * buf[i] + g / avg
                    p[i] -= lr * buf[i]
                } else {
                    p[i] -= lr * (g / avg)
                }
            }
        }
    }

    func reset() {
        (squareAverages + gradientAverages + momentumBuffers).forEach { $0.zero() }
    }
}
