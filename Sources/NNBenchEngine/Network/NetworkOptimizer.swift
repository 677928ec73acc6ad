/// An optimizer bound to a network's parameters: one training step at a time, as the model
/// protocol's `step` op does (forward in training mode, loss, backward, one update), with its
/// state emptied by ``reset()`` as `set_params` requires.
public final class NetworkOptimizer<Scalar: EngineScalar> {
    /// The network whose parameters are updated.
    public let network: Network<Scalar>
    /// The optimizer and its hyperparameters.
    public let spec: OptimizerSpec
    private let optimizer: Optimizer<Scalar>

    /// Creates the optimizer with empty state.
    ///
    /// - Parameters:
    ///   - spec: The optimizer; its learning rate is used for every step.
    ///   - network: The network to train.
    public convenience init(_ spec: OptimizerSpec, network: Network<Scalar>) {
        self.init(spec, network: network, optimizer: Optimizer(spec, parameters: network.trainable))
    }

    /// Creates it around an ``Optimizer`` over `network`'s parameters whose update rule a
    /// checking tool may have changed.
    package init(_ spec: OptimizerSpec, network: Network<Scalar>, optimizer: Optimizer<Scalar>) {
        self.network = network
        self.spec = spec
        self.optimizer = optimizer
    }

    /// One training step on a batch.
    ///
    /// - Parameters:
    ///   - inputs: `[n] + inputShape`.
    ///   - targets: As the model protocol shapes them for the loss.
    ///   - training: The mode of the step's forward pass: training (dropout drops, batchnorm uses
    ///     and moves batch statistics), or evaluation, where a step is a plain function of the
    ///     weights that two implementations can compare without sharing random masks.
    /// - Returns: The loss before the update.
    @discardableResult
    public func step(inputs: Tensor<Scalar>, targets: Tensor<Scalar>, training: Bool = true) -> Scalar {
        let loss = network.gradients(inputs: inputs, targets: targets, training: training).loss
        optimizer.step(learningRate: spec.learningRate)
        return loss
    }

    /// Empties the state (momentum buffers, moments, step count).
    public func reset() {
        optimizer.reset()
    }
}
