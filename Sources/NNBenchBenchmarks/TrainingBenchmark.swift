import NNBenchDatasets
import NNBenchEngine

/// The training speed of the reference engine, for `nnbench bench train` and for comparison with
/// other libraries on the same architectures.
public enum TrainingBenchmark {
    /// The speed of training steps on one architecture.
    public struct Result: Sendable, Codable, Equatable {
        /// The architecture, in canonical spec form.
        public var architecture: String
        /// Samples per step.
        public var batch: Int
        /// The threads a matrix product may use.
        public var threads: Int
        /// Timed steps.
        public var steps: Int
        /// Training samples processed per second (forward, backward and update; no evaluation).
        public var samplesPerSecond: Double

        /// Creates a result.
        public init(architecture: String, batch: Int, threads: Int, steps: Int, samplesPerSecond: Double) {
            (self.architecture, self.batch, self.threads, self.steps, self.samplesPerSecond) =
                (architecture, batch, threads, steps, samplesPerSecond)
        }
    }

    /// Times `steps` training steps (forward, loss, backward, one optimizer update) of an
    /// architecture on consecutive batches of a task's training split, after `steps / 10 + 1`
    /// untimed warm-up steps.
    ///
    /// - Parameters:
    ///   - task: The task whose training split feeds the batches (cycled in order).
    ///   - architecture: The architecture; its shapes are inferred from the task.
    ///   - optimizer: The optimizer.
    ///   - batch: Samples per step.
    ///   - steps: Timed steps.
    ///   - threads: The most threads a matrix product may use.
    /// - Returns: The measured speed.
    /// - Throws: ``SpecError`` when the architecture does not fit the task or cannot train on its
    ///   batches (``ResolvedArchitecture/checkBatch(samples:training:layers:)``).
    public static func train(
        task: LearningTask, architecture: ArchitectureSpec, optimizer: OptimizerSpec, batch: Int, steps: Int, threads: Int
    ) throws(SpecError) -> Result {
        let resolved = try architecture.resolve(inputShape: task.inputShape, outputWidth: task.outputWidth)
        try resolved.checkBatch(samples: batch, training: true)
        let network = Network<Float>(resolved, loss: task.loss, seed: 0, threads: threads)
        let updater = Optimizer(optimizer, parameters: network.trainable)
        let data = EvaluationData<Float>(task.train)
        precondition(batch <= data.count, "the benchmark's batch is larger than the training split")
        let batches = data.count / batch
        func step(_ index: Int) {
            let start = (index % batches) * batch
            let inputs = Batch(count: batch, shape: resolved.inputShape, pointer: data.inputs.pointer + start * data.inputWidth)
            _ = network.step(inputs, targets: data.targets.pointer + start * data.targetWidth, training: true)
            updater.step(learningRate: optimizer.learningRate)
        }
        for index in 0...(steps / 10) { step(index) }
        let clock = ContinuousClock()
        let elapsed = clock.measure { for index in 0..<steps { step(index) } }
        let seconds = elapsed.seconds
        return Result(
            architecture: resolved.architecture.description, batch: batch, threads: threads, steps: steps,
            samplesPerSecond: Double(steps * batch) / seconds)
    }
}
