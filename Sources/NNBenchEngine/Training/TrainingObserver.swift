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
        var samples: [Scalar] = []
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

    /// Whether `epoch` gets histograms (besides a run's last epoch).
    func isHistogramEpoch(_ epoch: Int) -> Bool {
        epoch % interval == 0 || epoch == budget
    }

    /// Adds a step's gradient norms (after clipping, before the update) to the epoch's sums.
    func stepTaken() {
        for (index, parameter) in parameters.enumerated() {
            normSums[index] += ParameterStatisticsProbe.norm(parameter.gradient.pointer, count: parameter.count)
        }
        steps += 1
    }

    /// Keeps a copy of the epoch's last step's gradients, before the optimizer reads them.
    func beforeLastStep() {
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
        guard let index = activations.firstIndex(where: { $0.layer == layer }) else { return }
        let values = output.pointer, width = output.width, count = output.size
        switch activations[index].function {
        case .relu:
            if activations[index].alive.isEmpty { activations[index].alive = Array(repeating: false, count: width) }
            for i in 0..<count where values[i] > 0 { activations[index].alive[i % width] = true }
        case .tanh:
            for i in 0..<count where Swift.abs(values[i]) > Scalar(0.99) { activations[index].saturated += 1 }
        case .sigmoid:
            for i in 0..<count where values[i] < Scalar(0.01) || values[i] > Scalar(0.99) { activations[index].saturated += 1 }
        default:
            break
        }
        activations[index].total += count
        if collectsSamples, start < observation.activationSamples {
            let samples = Swift.min(output.count, observation.activationSamples - start)
            activations[index].samples += UnsafeBufferPointer(start: values, count: samples * width)
        }
    }

    /// Adds what was measured during the epoch to its record: the mean gradient norms, the
    /// activation statistics, and at a histogram epoch the histograms; keeps the weights when
    /// the epoch is 0, chosen, or `last`.
    func complete(_ record: inout EpochRecord, histograms: Bool, last: Bool) {
        let bins = observation.histogramBins
        for (index, parameter) in parameters.enumerated() where record.parameters.indices.contains(index) {
            record.parameters[index].meanGradientNorm = steps > 0 ? normSums[index] / Double(steps) : nil
            if histograms {
                record.parameters[index].weightHistogram = Histogram(UnsafeBufferPointer(start: parameter.value.pointer, count: parameter.count), bins: bins)
                record.parameters[index].gradientHistogram = hasGradients
                    ? Histogram(UnsafeBufferPointer(start: lastGradients[index].pointer, count: parameter.count), bins: bins) : nil
            }
        }
        normSums = Array(repeating: 0, count: parameters.count)
        steps = 0
        record.activations = activations.map { activation in
            ActivationStatistics(
                layer: activation.layer, function: activation.function.name,
                deadFraction: activation.function == .relu && !activation.alive.isEmpty
                    ? Double(activation.alive.filter { !$0 }.count) / Double(activation.alive.count) : nil,
                saturatedFraction: (activation.function == .tanh || activation.function == .sigmoid) && activation.total > 0
                    ? Double(activation.saturated) / Double(activation.total) : nil,
                histogram: histograms ? Histogram(activation.samples, bins: bins) : nil)
        }
        for (tensor, copy) in zip(tensors, latest) { copy.pointer.update(from: tensor.value.pointer, count: tensor.count) }
        latestEpoch = record.epoch
        if record.epoch == 0 || last || observation.snapshotEpochs.contains(record.epoch) { snapshots.append(snapshot(of: record.epoch)) }
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
            WeightSnapshot.Values(name: tensor.name, shape: tensor.shape, values: (0..<tensor.count).map { Double(copy.pointer[$0]) })
        })
    }
}
