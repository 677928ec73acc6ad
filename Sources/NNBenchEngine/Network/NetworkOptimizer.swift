/// An optimizer bound to a network's parameters: one training step at a time, as `PROTOCOL.md`'s
/// `step` op does (forward in training mode, loss, backward, one update), with its state emptied by
/// ``reset()`` as `set_params` requires.
///
/// When the network was built with an optimizer ``Fault``, the steps make that mistake.
public final class NetworkOptimizer<Scalar: EngineScalar> {
    /// The network whose parameters are updated.
    public let network: Network<Scalar>
    /// The optimizer and its hyperparameters.
    public let spec: OptimizerSpec
    private let optimizer: Optimizer<Scalar>
    private let fault: Fault?
    /// For ``Fault/gradientsNotZeroed``: the gradients of every step so far, summed.
    private var accumulated: [Buffer<Scalar>] = []

    /// Creates the optimizer with empty state.
    ///
    /// - Parameters:
    ///   - spec: The optimizer; its learning rate is used for every step.
    ///   - network: The network to train.
    public init(_ spec: OptimizerSpec, network: Network<Scalar>) {
        self.network = network
        self.spec = spec
        fault = network.fault
        var effective = spec
        if fault == .weightDecayWrongSign { effective = spec.withWeightDecayNegated }
        optimizer = Optimizer(effective, parameters: network.trainable)
        if fault == .gradientsNotZeroed { accumulated = network.trainable.map { Buffer(count: $0.count) } }
    }

    /// One training step on a batch.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - targets: As `PROTOCOL.md` shapes them for the loss.
    /// - Returns: The loss before the update.
    @discardableResult
    public func step(inputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> Scalar {
        let loss = network.gradients(inputs: inputs, targets: targets, training: true).loss
        update()
        return loss
    }

    /// Empties the state (momentum buffers, moments, step count).
    public func reset() {
        optimizer.reset()
        accumulated.forEach { $0.zero() }
    }

    private func update() {
        let parameters = network.trainable
        switch fault {
        case .updatesNotApplied:
            return
        case .updateWrongSign:
            let before = parameters.map { $0.value.array }
            optimizer.step(learningRate: spec.learningRate)
            for (parameter, old) in zip(parameters, before) {
                for i in 0..<parameter.count { parameter.value.pointer[i] = 2 * old[i] - parameter.value.pointer[i] }
            }
        case .gradientsNotZeroed:
            for (parameter, sum) in zip(parameters, accumulated) {
                for i in 0..<parameter.count { sum.pointer[i] += parameter.gradient.pointer[i] }
                parameter.gradient.pointer.update(from: sum.pointer, count: parameter.count)
            }
            optimizer.step(learningRate: spec.learningRate)
        case .momentumNotKept:
            optimizer.reset()
            optimizer.step(learningRate: spec.learningRate)
        case .adamWithoutBiasCorrection:
            // At a step this large β^t is 0 in Double: the corrections 1/(1 − β^t) become 1.
            optimizer.rule.update(step: 1 << 30, learningRate: spec.learningRate)
        default:
            optimizer.step(learningRate: spec.learningRate)
        }
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
