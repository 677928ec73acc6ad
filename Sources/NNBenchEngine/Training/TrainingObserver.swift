import NNBenchDatasets

/// Measures what a ``TrainingObservation`` asks for while a ``TrainingRun`` trains, reading the
/// network's buffers and never writing them, so that an observed run's numbers are the same, bit
/// for bit, as an unobserved one's.
final class TrainingObserver<Scalar: EngineScalar> {
    private let observation: TrainingObservation
    private let parameters: [Parameter<Scalar>]
    /// Parameters, then running statistics: what a snapshot holds.
    private let tensors: [Parameter<Scalar>]
    private let interval: Int
    private let budget: Int
    private var normSums: [Double]
    private var steps = 0
    /// The gradients of the epoch's last step, copied before the optimizer reads them.
    private let lastGradients: [Buffer<Scalar>]
    private var hasGradients = false
    /// The tensors after the last epoch observed, for the last snapshot of a run that diverges.
    private let latest: [Buffer<Scalar>]
    private var latestEpoch = 0
    private var activations: [Activation]
    private var collectsSamples = false
    /// The weights kept so far, in epoch order.
    private(set) var snapshots: [WeightSnapshot] = []

    /// One activation layer's running statistics during an evaluation.
    private struct Activation {
        let layer: Int
        let function: LayerSpec
        var alive: [Bool] = []
        var saturated = 0
        var total = 0
        var samples: [Double] = []
    }

    init(network: Network<Scalar>, observation: TrainingObservation, budget: Int) {
        self.observation = observation
        parameters = network.trainable
        tensors = network.trainable + network.layers.flatMap { $0.state }
        interval = observation.histogramInterval(budget: budget)
        self.budget = budget
        normSums = Array(repeating: 0, count: parameters.count)
        lastGradients = parameters.map { Buffer(count: $0.count) }
        latest = tensors.map { Buffer(count: $0.count) }
        activations = network.architecture.layers.compactMap { layer in
            switch layer.spec {
            case .relu, .leakyReLU, .tanh, .sigmoid, .softplus, .gelu: Activation(layer: layer.index, function: layer.spec)
            default: nil
            }
        }
    }

    /// Whether the observation measures anything besides keeping snapshots.
    var measures: Bool { observation.measures }

    /// Whether `epoch` gets histograms (besides a run's last epoch); never when not measuring.
    func isHistogramEpoch(_ epoch: Int) -> Bool {
        observation.measures && (epoch % interval == 0 || epoch == budget)
    }

    /// Adds a step's gradient norms (after clipping, before the update) to the epoch's sums: the
    /// same sum in the same order as ``ParameterStatisticsProbe``'s, so the same bits.
    func stepTaken() {
        guard observation.measures else { return }
        for (index, parameter) in parameters.enumerated() {
            var sum = 0.0
            for x in Scalar.doubles(parameter.gradient.pointer, count: parameter.count) { sum += x * x }
            normSums[index] += sum.squareRoot()
        }
        steps += 1
    }

    /// Keeps a copy of the epoch's last step's gradients, before the optimizer reads them.
    func beforeLastStep() {
        guard observation.measures else { return }
        for (parameter, copy) in zip(parameters, lastGradients) {
            copy.pointer.update(from: parameter.gradient.pointer, count: parameter.count)
        }
        hasGradients = true
    }

    /// Starts the activation statistics of an evaluation of the training split; with
    /// `collectingSamples`, also keeps the first samples' outputs for histograms.
    func beginEvaluation(collectingSamples: Bool) {
        collectsSamples = collectingSamples
        for index in activations.indices {
            activations[index].alive = []
            activations[index].saturated = 0
            activations[index].total = 0
            activations[index].samples = []
        }
    }

    /// Takes in one layer's output for a chunk of the training split starting at sample `start`.
    func observe(start: Int, layer: Int, output: Batch<Scalar>) {
        guard observation.measures, let index = activations.firstIndex(where: { $0.layer == layer }) else { return }
        // A unit of a sequence [steps, features] is a feature: the same weights at every step.
        let units = output.shape.count == 2 ? output.shape[1] : output.width, count = output.size
        let values = Scalar.doubles(output.pointer, count: count)
        // The thresholds as the Scalar compares them, so that Float and Double runs count alike.
        let low = Double(Scalar(0.01)), high = Double(Scalar(0.99))
        switch activations[index].function {
        case .relu:
            var alive = activations[index].alive.isEmpty ? [Bool](repeating: false, count: units) : activations[index].alive
            for (i, value) in values.enumerated() where value > 0 { alive[i % units] = true }
            activations[index].alive = alive
        case .tanh:
            activations[index].saturated += values.count(where: { Swift.abs($0) > high })
        case .sigmoid:
            activations[index].saturated += values.count(where: { $0 < low || $0 > high })
        default:
            break
        }
        activations[index].total += count
        if collectsSamples, start < observation.activationSamples {
            let samples = Swift.min(output.count, observation.activationSamples - start)
            activations[index].samples += values.prefix(samples * output.width)
        }
    }

    /// Adds what was measured during the epoch to its record: the mean gradient norms, the
    /// activation statistics, and at a histogram epoch the histograms; keeps the weights when
    /// the epoch is 0, chosen, or `last`.
    func complete(_ record: inout EpochRecord, histograms: Bool, last: Bool) {
        if observation.measures { measure(&record, histograms: histograms) }
        for (tensor, copy) in zip(tensors, latest) { copy.pointer.update(from: tensor.value.pointer, count: tensor.count) }
        latestEpoch = record.epoch
        if record.epoch == 0 || last || observation.snapshotEpochs.contains(record.epoch) { snapshots.append(snapshot(of: record.epoch)) }
    }

    /// Adds the mean gradient norms, the activation statistics and the histograms to an epoch's record.
    private func measure(_ record: inout EpochRecord, histograms: Bool) {
        let bins = observation.histogramBins
        for (index, parameter) in parameters.enumerated() where record.parameters.indices.contains(index) {
            record.parameters[index].meanGradientNorm = steps > 0 ? normSums[index] / Double(steps) : nil
            if histograms {
                record.parameters[index].weightHistogram = Histogram(Scalar.doubles(parameter.value.pointer, count: parameter.count), bins: bins)
                record.parameters[index].gradientHistogram = hasGradients
                    ? Histogram(Scalar.doubles(lastGradients[index].pointer, count: parameter.count), bins: bins) : nil
            }
        }
        normSums = Array(repeating: 0, count: parameters.count)
        steps = 0
        // An epoch that diverged before its last step has no gradients of its own to show.
        hasGradients = false
        record.activations = activations.map { activation in
            ActivationStatistics(
                layer: activation.layer, function: activation.function.name,
                deadFraction: activation.function == .relu && !activation.alive.isEmpty
                    ? Double(activation.alive.filter { !$0 }.count) / Double(activation.alive.count) : nil,
                saturatedFraction: (activation.function == .tanh || activation.function == .sigmoid) && activation.total > 0
                    ? Double(activation.saturated) / Double(activation.total) : nil,
                histogram: histograms ? Histogram(activation.samples, bins: bins) : nil)
        }
    }

    /// The snapshots, ending with the last epoch observed (the run may have stopped without
    /// knowing it was its last: a loss that stops being finite).
    func finish() -> [WeightSnapshot] {
        if snapshots.last?.epoch != latestEpoch { snapshots.append(snapshot(of: latestEpoch)) }
        return snapshots
    }

    /// The tensors as kept after `epoch`.
    private func snapshot(of epoch: Int) -> WeightSnapshot {
        WeightSnapshot(epoch: epoch, tensors: zip(tensors, latest).map { tensor, copy in
            WeightSnapshot.Values(name: tensor.name, shape: tensor.shape, values: Scalar.doubles(copy.pointer, count: tensor.count))
        })
    }
}
