/// Updates parameters from their gradients, with PyTorch's optimizers as ``OptimizerSpec`` names
/// them.
///
/// The state (momentum buffers, moments, step count) starts empty, as the model protocol requires
/// at `build` and at `set_params`; its buffers are allocated here, once, and reused by every step.
package final class Optimizer<Scalar: EngineScalar> {
    private let rule: any UpdateRule<Scalar>
    /// The number of steps since the state was last empty: `t` in the formulas.
    private(set) var stepCount = 0

    /// The optimizer `spec` names, over `parameters`.
    package convenience init(_ spec: OptimizerSpec, parameters: [Parameter<Scalar>]) {
        self.init(rule: Self.rule(spec, parameters: parameters))
    }

    /// An optimizer that updates by `rule`: the engine's own (``rule(_:parameters:)``), or one that
    /// a checking tool wraps around it.
    package init(rule: any UpdateRule<Scalar>) {
        self.rule = rule
    }

    /// The engine's update rule for `spec`, with empty state.
    package static func rule(_ spec: OptimizerSpec, parameters: [Parameter<Scalar>]) -> any UpdateRule<Scalar> {
        switch spec {
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
    package func step(learningRate: Double) {
        stepCount += 1
        rule.update(step: stepCount, learningRate: learningRate)
    }

    /// Forgets all state (momentum buffers, moments, step count), as the model protocol's
    /// `set_params` requires: the next step is a first step.
    package func reset() {
        stepCount = 0
        rule.reset()
    }
}

/// One optimizer's state and per-step arithmetic; ``Optimizer`` owns the step count.
package protocol UpdateRule<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// Updates every parameter from its gradient: the `step`-th step (from 1) since the state
    /// was last empty.
    func update(step: Int, learningRate: Double)

    /// Empties the state: every buffer back to zeros.
    func reset()
}
