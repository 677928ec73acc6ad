import NNBenchDatasets

/// Trains a network on a task's training split, evaluating every split after every epoch.
///
/// Each epoch visits the training samples in a new order: a Fisher–Yates shuffle drawn from the
/// Philox stream `(seed, "shuffle")` at index `epoch`. Every step is forward, loss, backward,
/// optional clipping, and one optimizer update at the schedule's learning rate. The same task,
/// architecture and configuration give the same record, bit for bit, apart from the wall time.
public final class TrainingRun<Scalar: EngineScalar> {
    /// The task.
    public let task: LearningTask
    /// The network being trained.
    public let network: Network<Scalar>
    /// How it is trained.
    public let configuration: TrainingConfiguration
    /// The target the run counts epochs to: the configuration's, or the task's own.
    public let target: Target
    let optimizer: Optimizer<Scalar>
    let train: EvaluationData<Scalar>
    private let validation: EvaluationData<Scalar>
    private let test: EvaluationData<Scalar>
    /// Fixed-set tasks (two-spirals, parity) repeat the training set in every split: evaluate it once.
    private let splitsRepeatTraining: Bool
    private let batchInputs = Buffer<Scalar>()
    let batchTargets = Buffer<Scalar>()
    private let statisticsProbe: ParameterStatisticsProbe<Scalar>
    /// What the configuration's ``TrainingConfiguration/observation`` asks to measure, if anything.
    private let observer: TrainingObserver<Scalar>?

    /// Builds the network for the task and prepares the run.
    ///
    /// - Parameters:
    ///   - task: The task; the network is trained on its training split.
    ///   - architecture: The architecture; its shapes are inferred from the task.
    ///   - configuration: The optimizer, schedule, epochs, batch size, seed and target.
    /// - Throws: ``SpecError`` when the architecture does not fit the task, or cannot train on its
    ///   batches (``checkBatches(_:samples:batchSize:)``).
    public convenience init(task: LearningTask, architecture: ArchitectureSpec, configuration: TrainingConfiguration) throws(SpecError) {
        try self.init(task: task, resolved: try architecture.resolve(for: task), configuration: configuration)
    }

    /// Builds the network for the task from an architecture already resolved against it, and
    /// prepares the run.
    ///
    /// - Parameters:
    ///   - task: The task; the network is trained on its training split.
    ///   - resolved: The architecture, resolved for the task's inputs and outputs
    ///     (``ArchitectureSpec/resolve(for:)``).
    ///   - configuration: The optimizer, schedule, epochs, batch size, seed and target.
    /// - Throws: ``SpecError`` when the network cannot train on the task's batches
    ///   (``checkBatches(_:samples:batchSize:)``), before anything is allocated.
    public convenience init(task: LearningTask, resolved: ResolvedArchitecture, configuration: TrainingConfiguration) throws(SpecError) {
        try self.init(task: task, resolved: resolved, configuration: configuration, modifier: nil, rule: { _ in nil })
    }

    /// Prepares a run whose network a checking tool changes (``NetworkModifier``) and whose
    /// optimizer may update by the tool's rule: how `nnbench train --inject` trains with a fault
    /// while the engine knows no fault by name.
    ///
    /// - Parameters:
    ///   - task: The task; the network is trained on its training split.
    ///   - resolved: The architecture, resolved for the task's inputs and outputs.
    ///   - configuration: The optimizer, schedule, epochs, batch size, seed and target.
    ///   - modifier: What changes the network, or `nil` for the engine's own.
    ///   - rule: The update rule over the network's trainable parameters, or `nil` for the
    ///     engine's rule of `configuration.optimizer`.
    /// - Throws: ``SpecError`` as ``init(task:resolved:configuration:)``.
    package init(
        task: LearningTask, resolved: ResolvedArchitecture, configuration: TrainingConfiguration,
        modifier: (any NetworkModifier<Scalar>)?, rule: ([Parameter<Scalar>]) -> (any UpdateRule<Scalar>)?
    ) throws(SpecError) {
        precondition(resolved.inputShape == task.inputShape, "the architecture was resolved for other inputs than the task's")
        try Self.checkBatches(resolved, samples: task.train.count, batchSize: configuration.batchSize)
        self.task = task
        self.configuration = configuration
        target = configuration.target ?? task.reference.target
        network = Network(resolved, loss: task.loss, seed: configuration.seed, threads: configuration.threads, modifier: modifier)
        optimizer = rule(network.trainable).map { Optimizer(rule: $0) } ?? Optimizer(configuration.optimizer, parameters: network.trainable)
        statisticsProbe = ParameterStatisticsProbe(network.trainable)
        let network = self.network
        observer = configuration.observation.map { TrainingObserver(network: network, observation: $0, budget: configuration.epochs) }
        train = EvaluationData(task.train)
        validation = EvaluationData(task.validation)
        test = EvaluationData(task.test)
        splitsRepeatTraining = task.validation == task.train.renamed(.validation) && task.test == task.train.renamed(.test)
    }

    /// Checks every batch an epoch trains on, the full ones and the last, smaller one
    /// (``ResolvedArchitecture/checkBatch(samples:training:layers:)``).
    ///
    /// - Parameters:
    ///   - resolved: The architecture.
    ///   - samples: The training split's size.
    ///   - batchSize: The configuration's batch size, at least 1.
    /// - Throws: ``SpecError`` for a batch too large for the engine, or a batchnorm layer that
    ///   would see one value per channel, saying which batch.
    public static func checkBatches(_ resolved: ResolvedArchitecture, samples: Int, batchSize: Int) throws(SpecError) {
        let full = Swift.min(batchSize, samples)
        try resolved.checkBatch(samples: full, training: true)
        let last = samples % full
        guard last > 0 else { return }
        do throws(SpecError) { try resolved.checkBatch(samples: last, training: true) } catch {
            let message = "\(error.message); it is the last batch of each epoch (\(samples) training samples in batches of \(batchSize)): choose a batch size that does not leave \(last == 1 ? "1 sample" : "\(last) samples") over"
            throw SpecError(message, subject: error.subject, source: error.source, range: error.range, layerIndex: error.layerIndex)
        }
    }

    /// Runs every epoch, or until the target is met when the configuration asks to stop there,
    /// or until the loss is not finite.
    ///
    /// A run diverges when a step's loss is not finite, or when the network a step leaves has a
    /// loss that is not finite on a split (the last step of an epoch, seen by its evaluation).
    /// Either way the epoch is evaluated as the network stands and is the record's last, so the
    /// final metrics are those of the epoch ``TrainingOutcome/diverged(epoch:step:loss:)`` names.
    ///
    /// - Parameter onEpoch: Called with epoch 0 (before training) and after every epoch.
    /// - Returns: The run's record.
    public func run(onEpoch: (EpochRecord) -> Void = { _ in }) -> TrainingRecord {
        let clock = ContinuousClock()
        let start = clock.now
        let stepsPerEpoch = (train.count + configuration.batchSize - 1) / configuration.batchSize
        let totalSteps = stepsPerEpoch * configuration.epochs
        var epochs = [evaluate(epoch: 0, learningRate: configuration.schedule.learningRate(base: configuration.optimizer.learningRate, step: 0, totalSteps: totalSteps))]
        observe(&epochs[0], last: false)
        onEpoch(epochs[0])
        var epochsToTarget: Int? = meetsTarget(epochs[0]) ? 0 : nil
        var outcome = TrainingOutcome.completed
        var order = Array(0..<train.count)
        var step = 0
        var learningRate = 0.0
        for epoch in stride(from: 1, through: configuration.epochs, by: 1) {
            shuffle(&order, epoch: epoch)
            for batchStart in stride(from: 0, to: train.count, by: configuration.batchSize) {
                let indices = order[batchStart..<Swift.min(batchStart + configuration.batchSize, train.count)]
                let loss = network.step(gather(indices), targets: batchTargets.pointer, training: true)
                guard loss.isFinite else {
                    outcome = .diverged(epoch: epoch, step: batchStart / configuration.batchSize + 1, loss: Double(loss).numberText)
                    break
                }
                if let clipping = configuration.clipping { GradientClipping.apply(clipping, to: network.trainable) }
                learningRate = configuration.schedule.learningRate(
                    base: configuration.optimizer.learningRate, step: step, totalSteps: totalSteps)
                let lastStep = batchStart + configuration.batchSize >= train.count
                observer?.stepTaken(epoch: epoch, step: batchStart / configuration.batchSize + 1, last: lastStep)
                if lastStep {
                    statisticsProbe.beforeStep()
                    observer?.beforeLastStep()
                }
                optimizer.step(learningRate: learningRate)
                step += 1
            }
            var record = evaluate(epoch: epoch, learningRate: learningRate)
            var stops = false
            if case .diverged = outcome {
                stops = true
            } else if let loss = SplitName.allCases.lazy.map({ record[$0].loss }).first(where: { !$0.isFinite }) {
                outcome = .diverged(epoch: epoch, step: stepsPerEpoch, loss: loss.numberText)
                stops = true
            }
            if !stops, epochsToTarget == nil, meetsTarget(record) {
                epochsToTarget = epoch
                if configuration.stopAtTarget {
                    outcome = .reachedTarget
                    stops = true
                }
            }
            observe(&record, last: stops || epoch == configuration.epochs)
            epochs.append(record)
            onEpoch(record)
            if stops { break }
        }
        let elapsed = clock.now - start
        let setup = TrainingRecord.setup(task: task, resolved: network.architecture, configuration: configuration)
        return TrainingRecord(
            task: setup.task, parameters: setup.parameters, dataSeed: setup.dataSeed, seed: configuration.seed,
            architecture: setup.architecture, optimizer: setup.optimizer, schedule: setup.schedule,
            batchSize: setup.batchSize, target: setup.target, epochs: epochs,
            epochsToTarget: epochsToTarget, outcome: outcome,
            wallSeconds: elapsed.seconds, snapshots: observer?.finish(), timeStepGradients: observer.map { $0.timeStepGradients() }.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Adds the observer's measurements to an epoch's record. A last epoch off the histogram
    /// cadence gets its histograms too, from one more evaluation of the training split, which
    /// changes nothing in the network.
    private func observe(_ record: inout EpochRecord, last: Bool) {
        guard let observer else { return }
        let histograms = observer.isHistogramEpoch(record.epoch)
        if last && !histograms && observer.measures {
            observer.beginEvaluation(epoch: record.epoch, collectingSamples: true)
            _ = train.evaluate(network, kind: task.kind, observe: observer.observe)
        } else if last && observer.measuresUnitsAtEnds && record.epoch != configuration.epochs {
            // A run that stops early (target met, diverged) did not know its last epoch when it evaluated it.
            observer.beginEvaluation(epoch: record.epoch, collectingSamples: false, units: true)
            _ = train.evaluate(network, kind: task.kind, observe: observer.observe)
        }
        observer.complete(&record, histograms: histograms || last, last: last)
    }

    private func evaluate(epoch: Int, learningRate: Double) -> EpochRecord {
        observer?.beginEvaluation(epoch: epoch, collectingSamples: observer?.isHistogramEpoch(epoch) ?? false)
        let trainMetrics = train.evaluate(network, kind: task.kind, observe: observer?.observe)
        let parameters = statisticsProbe.statistics()
        if splitsRepeatTraining {
            return EpochRecord(
                epoch: epoch, learningRate: learningRate, train: trainMetrics, validation: trainMetrics, test: trainMetrics,
                parameters: parameters)
        }
        return EpochRecord(
            epoch: epoch, learningRate: learningRate, train: trainMetrics,
            validation: validation.evaluate(network, kind: task.kind), test: test.evaluate(network, kind: task.kind),
            parameters: parameters)
    }

    private func meetsTarget(_ record: EpochRecord) -> Bool {
        guard let value = record[target.split].value(of: target.metric) else { return false }
        return target.isMet(by: value)
    }

    /// A Fisher–Yates shuffle from the stream `(seed, "shuffle")`, index `epoch`.
    func shuffle(_ order: inout [Int], epoch: Int) {
        var stream = RandomStream(key: StreamKey.make(seed: configuration.seed, purpose: "shuffle"), index: UInt64(epoch))
        stream.shuffle(&order)
    }

    /// Copies the samples at `indices` into the batch buffers.
    func gather(_ indices: ArraySlice<Int>) -> Batch<Scalar> {
        batchInputs.resize(indices.count * train.inputWidth)
        batchTargets.resize(indices.count * train.targetWidth)
        for (row, index) in indices.enumerated() {
            (batchInputs.pointer + row * train.inputWidth)
                .update(from: train.inputs.pointer + index * train.inputWidth, count: train.inputWidth)
            (batchTargets.pointer + row * train.targetWidth)
                .update(from: train.targets.pointer + index * train.targetWidth, count: train.targetWidth)
        }
        return Batch(count: indices.count, shape: network.architecture.inputShape, pointer: batchInputs.pointer)
    }
}
