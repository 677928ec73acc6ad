/// Updates parameters from their gradients, with PyTorch's optimizers as ``OptimizerSpec`` names
/// them.
///
/// The state (momentum buffers, moments, step count) starts empty, as `PROTOCOL.md` requires at
/// `build` and at `set_params`; its buffers are allocated here, once, and reused by every step.
final class Optimizer<Scalar: EngineScalar> {
    /// Internal rather than private so that fault injection can call it with a step of its choice.
    let rule: any UpdateRule<Scalar>
    /// The number of steps since the state was last empty: `t` in the formulas.
    private(set) var stepCount = 0

    init(_ spec: OptimizerSpec, parameters: [Parameter<Scalar>]) {
        rule = switch spec {
        case .sgd(_, let momentum, let nesterov, let weightDecay):
            SGD(parameters: parameters, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case .adam(_, let beta1, let beta2, let epsilon, let weightDecay):
            Adam(parameters: parameters, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
        case .adamW(_, let beta1, let beta2, let epsilon, let weightDecay):
            Adam(parameters: parameters, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
        case .rmsprop(_, let alpha, let epsilon, let momentum, let weightDecay, let centered):
            RMSprop(
                parameters: parameters, alpha: alpha, epsilon: epsilon, momentum: momentum, weightDecay: weightDecay,
                centered: centered)
        }
    }

    /// One update of every parameter from its `gradient` buffer at this learning rate
    /// (the schedule's rate for this step; the spec's lr is the base rate).
    func step(learningRate: Double) {
        stepCount += 1
        rule.update(step: stepCount, learningRate: learningRate)
    }

    /// Forgets all state (momentum buffers, moments, step count), as `PROTOCOL.md`'s `set_params`
    /// requires: the next step is a first step.
    func reset() {
        stepCount = 0
        rule.reset()
    }
}

/// One optimizer's state and per-step arithmetic; ``Optimizer`` owns the step count.
protocol UpdateRule<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// Updates every parameter from its gradient: the `step`-th step (from 1) since the state
    /// was last empty.
    func update(step: Int, learningRate: Double)

    /// Empties the state: every buffer back to zeros.
    func reset()
}
