import RealModule

/// Adam as `torch.optim.Adam` (L2 weight decay, amsgrad off), or AdamW as `torch.optim.AdamW`
/// (decoupled weight decay), per value at step `t`:
///
///     p -= lr·wd·p                        (AdamW only, computed as p·(1 − lr·wd))
///     g += wd·p                           (Adam only)
///     m  = β1·m + (1−β1)·g
///     v  = β2·v + (1−β2)·g²
///     p -= lr · (m/(1−β1^t)) / (√(v/(1−β2^t)) + eps)
final class Adam<Scalar: EngineScalar>: UpdateRule {
    private let parameters: [Parameter<Scalar>]
    private let beta1: Double
    private let beta2: Double
    private let epsilon: Double
    private let weightDecay: Double
    /// Whether the weight decay shrinks the parameters (AdamW) instead of adding to the gradient (Adam).
    private let decoupled: Bool
    /// The running means of the gradients (`m`), one buffer per parameter.
    private let firstMoments: [Buffer<Scalar>]
    /// The running means of the squared gradients (`v`), one buffer per parameter.
    private let secondMoments: [Buffer<Scalar>]

    init(parameters: [Parameter<Scalar>], beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = parameters.map { Buffer(count: $0.count) }
        secondMoments = parameters.map { Buffer(count: $0.count) }
    }

    func update(step: Int, learningRate: Double) {
        // As PyTorch: the bias corrections in Double, folded into the step size and the divisor of √v.
        let t = Double(step)
        let stepSize = learningRate / (1 - .pow(beta1, t))
        let secondMomentCorrection = (1 - .pow(beta2, t)).squareRoot()
        let shrink = decoupled ? 1 - learningRate * weightDecay : 1
        for (index, parameter) in parameters.enumerated() {
            Scalar.adamStep(
                parameter: parameter.value.pointer, gradient: parameter.gradient.pointer,
                firstMoment: firstMoments[index].pointer, secondMoment: secondMoments[index].pointer,
                count: parameter.count, stepSize: stepSize, secondMomentCorrection: secondMomentCorrection,
                beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decoupled ? 0 : weightDecay, shrink: shrink)
        }
    }

    func reset() {
        firstMoments.forEach { $0.zero() }
        secondMoments.forEach { $0.zero() }
    }
}

extension EngineScalar {
    public static func adamStep(
        parameter p: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, firstMoment m: UnsafeMutablePointer<Self>,
        secondMoment v: UnsafeMutablePointer<Self>, count: Int, stepSize: Double, secondMomentCorrection: Double,
        beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, shrink: Double
    ) {
        // Eight values at a time: the arithmetic is elementwise IEEE, so the lanes give exactly the
        // bits of a scalar loop, but √ and ÷ run vectorised (the scalar loop compiled to sqrtf calls).
        let step = SIMD8<Self>(repeating: Self(stepSize)), correction = SIMD8<Self>(repeating: Self(secondMomentCorrection))
        let eps = SIMD8<Self>(repeating: Self(epsilon)), wd = SIMD8<Self>(repeating: Self(weightDecay))
        let b1 = SIMD8<Self>(repeating: Self(beta1)), c1 = SIMD8<Self>(repeating: Self(1 - beta1))
        let b2 = SIMD8<Self>(repeating: Self(beta2)), c2 = SIMD8<Self>(repeating: Self(1 - beta2))
        let s = SIMD8<Self>(repeating: Self(shrink))
        @inline(__always) func update(_ start: Int, _ lanes: Int) {
            let weights = load8(p + start, lanes)
            let g = load8(gradient + start, lanes) + wd * weights
            let first = b1 * load8(m + start, lanes) + c1 * g
            let second = b2 * load8(v + start, lanes) + c2 * g * g
            store8(first, m + start, lanes)
            store8(second, v + start, lanes)
            store8(s * weights - step * (first / (second.squareRoot() / correction + eps)), p + start, lanes)
        }
        let whole = count / 8 * 8
        for start in stride(from: 0, to: whole, by: 8) { update(start, 8) }
        if whole < count { update(whole, count - whole) }
    }
}
