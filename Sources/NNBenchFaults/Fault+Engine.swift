import NNBenchDatasets
import NNBenchEngine

extension Network {
    /// A network that makes `fault` (or the engine's own network for `nil`): the same
    /// architecture, seed and initial weights, with the fault's layers, weights, loss or labels.
    package convenience init(_ architecture: ResolvedArchitecture, loss: Loss, seed: UInt64, threads: Int = 1, fault: Fault?) {
        self.init(architecture, loss: loss, seed: seed, threads: threads, modifier: fault.map { FaultInjection<Scalar>($0, architecture: architecture) })
    }
}

extension NetworkOptimizer {
    /// The optimizer `spec` over `network`, making `fault` when it is an optimizer's.
    package convenience init(_ spec: OptimizerSpec, network: Network<Scalar>, fault: Fault?) {
        let rule = fault.flatMap { FaultyUpdateRule<Scalar>.make(spec, parameters: network.trainable, fault: $0) }
        self.init(spec, network: network, optimizer: rule.map { Optimizer(rule: $0) } ?? Optimizer(spec, parameters: network.trainable))
    }
}

extension TrainingRun {
    /// A training run whose network and optimizer make `fault`, as ``Network`` and
    /// ``NetworkOptimizer`` do with it: `nnbench train --inject`, to show what a known bug does
    /// to a run's curves and diagnoses.
    ///
    /// - Throws: ``SpecError`` as ``init(task:resolved:configuration:)``.
    package convenience init(
        task: LearningTask, resolved: ResolvedArchitecture, configuration: TrainingConfiguration, fault: Fault
    ) throws(SpecError) {
        try self.init(
            task: task, resolved: resolved, configuration: configuration,
            modifier: FaultInjection<Scalar>(fault, architecture: resolved),
            rule: { FaultyUpdateRule<Scalar>.make(configuration.optimizer, parameters: $0, fault: fault) })
    }
}
