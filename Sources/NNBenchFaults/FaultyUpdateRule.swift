import NNBenchEngine

/// An optimizer's update rule with an injected bug: it runs the engine's rule wrongly, or does
/// something else around it, as a from-scratch optimizer with that mistake would.
final class FaultyUpdateRule<Scalar: EngineScalar>: UpdateRule {
    private let inner: any UpdateRule<Scalar>
    private let fault: Fault
    private let parameters: [Parameter<Scalar>]
    /// For ``Fault/gradientsNotZeroed``: the gradients of every step so far, summed.
    private let accumulated: [Buffer<Scalar>]

    /// The engine's rule for `spec` wrapped with `fault`, or `nil` when the fault is not an
    /// optimizer's or does not concern `spec` (rmsprop's and adamw's own faults).
    static func make(_ spec: OptimizerSpec, parameters: [Parameter<Scalar>], fault: Fault) -> FaultyUpdateRule? {
        let inner: any UpdateRule<Scalar>
        switch (fault, spec) {
        case (.updatesNotApplied, _), (.updateWrongSign, _), (.gradientsNotZeroed, _), (.momentumNotKept, _),
             (.adamWithoutBiasCorrection, _):
            inner = Optimizer.rule(spec, parameters: parameters)
        case (.weightDecayWrongSign, _):
            inner = Optimizer.rule(spec.withWeightDecayNegated, parameters: parameters)
        case (.adamWDecayCoupled, .adamW(let lr, let beta1, let beta2, let epsilon, let weightDecay)):
            let adam = OptimizerSpec.adam(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
            inner = Optimizer.rule(adam, parameters: parameters)
        case (.rmspropWithoutEpsInside, .rmsprop(_, let alpha, let epsilon, let momentum, let weightDecay, let centered)):
            inner = EpsilonInsideRMSprop(
                parameters: parameters, alpha: alpha, epsilon: epsilon, momentum: momentum, weightDecay: weightDecay,
                centered: centered)
        default:
            return nil
        }
        return FaultyUpdateRule(inner, fault: fault, parameters: parameters)
    }

    private init(_ inner: any UpdateRule<Scalar>, fault: Fault, parameters: [Parameter<Scalar>]) {
        self.inner = inner
        self.fault = fault
        self.parameters = parameters
        accumulated = fault == .gradientsNotZeroed ? parameters.map { Buffer(count: $0.count) } : []
    }

    func update(step: Int, learningRate: Double) {
        switch fault {
        case .updatesNotApplied:
            return
        case .updateWrongSign:
            let before = parameters.map { $0.value.array }
            inner.update(step: step, learningRate: learningRate)
            for (parameter, old) in zip(parameters, before) {
                for i in 0..<parameter.count { parameter.value.pointer[i] = 2 * old[i] - parameter.value.pointer[i] }
            }
        case .gradientsNotZeroed:
            for (parameter, sum) in zip(parameters, accumulated) {
                for i in 0..<parameter.count { sum.pointer[i] += parameter.gradient.pointer[i] }
                parameter.gradient.pointer.update(from: sum.pointer, count: parameter.count)
            }
            inner.update(step: step, learningRate: learningRate)
        case .momentumNotKept:
            inner.reset()
            inner.update(step: 1, learningRate: learningRate)
        case .adamWithoutBiasCorrection:
            // At a step this large β^t is 0 in Double: the corrections 1/(1 − β^t) become 1.
            inner.update(step: 1 << 30, learningRate: learningRate)
        default:
            inner.update(step: step, learningRate: learningRate)
        }
    }

    func reset() {
        inner.reset()
        accumulated.forEach { $0.zero() }
    }
}

extension OptimizerSpec {
    /// The same optimizer with its weight decay's sign flipped, for ``Fault/weightDecayWrongSign``.
    var withWeightDecayNegated: OptimizerSpec {
        switch self {
        case .sgd(let lr, let momentum, let nesterov, let wd): .sgd(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: -wd)
        case .adam(let lr, let b1, let b2, let eps, let wd): .adam(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: -wd)
        case .adamW(let lr, let b1, let b2, let eps, let wd): .adamW(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: -wd)
        case .rmsprop(let lr, let alpha, let eps, let momentum, let wd, let centered):
            .rmsprop(learningRate: lr, alpha: alpha, epsilon: eps, momentum: momentum, weightDecay: -wd, centered: centered)
        }
    }
}
