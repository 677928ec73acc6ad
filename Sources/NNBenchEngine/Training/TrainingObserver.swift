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
    /// Whether the evaluation under way measures the activation statistics.
    private var measuresUnits = false
    /// The weights kept so far, in epoch order.
    private(set) var snapshots: [WeightSnapshot] = []
    private let network: Network<Scalar>
    /// Each recurrent layer's `‖∂L/∂h_t‖` at the run's first step, and at the last step seen so far.
    private var initialTimeSteps: [Int: [Double]] = [:]
    private var latestTimeSteps: [Int: [Double]] = [:]
    private var timeStepEpoch = 0
    private var timeStepStep = 0
    private var tookFirstStep = false
    private let hasRecurrentLayers: Bool

    /// One activation layer's running statistics during an evaluation.
    private struct Activation {
        let layer: Int
        let function: LayerSpec
        /// Each unit's largest output so far: a unit is dead while it is not positive.
        var maxima: [Scalar] = []
        /// How many units are dead so far (-1 before the first chunk): at 0, no more reading.
        var dead = -1
        var saturated = 0
        var total = 0
        var samples: [Double] = []
    }

    init(network: Network<Scalar>, observation: TrainingObservation, budget: Int) {
        self.observation = observation
        self.network = network
        hasRecurrentLayers = network.layers.contains { $0.recurrent != nil }
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

    /// Whether the observation measures the activation statistics at the ends of the run alone
    /// (``TrainingObservation/unitStatistics`` without ``TrainingObservation/measures``).
    var measuresUnitsAtEnds: Bool { !observation.measures && observation.unitStatistics }

    /// Whether `epoch` gets histograms (besides a run's last epoch); never when not measuring.
    func isHistogramEpoch(_ epoch: Int) -> Bool {
        observation.measures && (epoch % interval == 0 || epoch == budget)
    }

    /// Adds a step's gradient norms (after clipping, before the update) to the epoch's sums: the
    /// same sum in the same order as ``ParameterStatisticsProbe``'s, so the same bits; keeps the
    /// recurrent layers' norms per time step at the run's first step and at an epoch's last
    /// (`last`), with the step of `epoch` (from 1) they were read at, reading what the backward pass
    /// left (``Network/timeStepGradientNorms``).
    func stepTaken(epoch: Int, step: Int, last: Bool) {
        if hasRecurrentLayers && (!tookFirstStep || last) {
            let norms = network.timeStepGradientNorms.mapValues { $0.map(Double.init) }
            if !tookFirstStep { initialTimeSteps = norms }
            (latestTimeSteps, timeStepEpoch, timeStepStep, tookFirstStep) = (norms, epoch, step, true)
        }
        guard observation.measures else { return }
        for (index, parameter) in parameters.enumerated() {
            normSums[index] += Scalar._sumOfSquaresInDouble(parameter.gradient.pointer, count: parameter.count).squareRoot()
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

    /// Starts the activation statistics of an evaluation of the training split after `epoch`; with
    /// `collectingSamples`, also keeps the first samples' outputs for histograms. `units` asks for
    /// the statistics at an epoch the observation would otherwise leave out (a run's last).
    func beginEvaluation(epoch: Int, collectingSamples: Bool, units: Bool = false) {
        collectsSamples = collectingSamples
        measuresUnits = observation.measures || units || (measuresUnitsAtEnds && (epoch == 0 || epoch == budget))
        for index in activations.indices {
            activations[index].maxima = []
            activations[index].dead = -1
            activations[index].saturated = 0
            activations[index].total = 0
            activations[index].samples = []
        }
    }

    /// Takes in one layer's output for a chunk of the training split starting at sample `start`.
    func observe(start: Int, layer: Int, output: Batch<Scalar>) {
        guard measuresUnits, let index = activations.firstIndex(where: { $0.layer == layer }) else { return }
        // A unit of a sequence [steps, features] is a feature: the same weights at every step.
        let units = output.shape.count == 2 ? output.shape[1] : output.width, count = output.size
        // The thresholds compared in the Scalar: the same counts as comparing the values converted
        // to Double with the thresholds converted alike, since Float to Double is exact.
        let bounds = UnitHealth.saturationBounds(of: activations[index].function)
        let low = Scalar(bounds?.low ?? 0), high = Scalar(bounds?.high ?? 0)
        switch activations[index].function {
        case .relu:
            if activations[index].maxima.isEmpty { activations[index].maxima = Array(repeating: -.infinity, count: units) }
            if activations[index].dead != 0 {
                activations[index].dead = activations[index].maxima.withUnsafeMutableBufferPointer {
                    Scalar._columnMaxima(output.pointer, rows: count / units, units: units, maxima: $0.baseAddress!)
                }
            }
        case .tanh, .sigmoid:
            activations[index].saturated += Scalar._countOutside(output.pointer, count: count, low: low, high: high)
        default:
            break
        }
        activations[index].total += count
        if collectsSamples, start < observation.activationSamples {
            let samples = Swift.min(output.count, observation.activationSamples - start)
            activations[index].samples += Scalar.doubles(output.pointer, count: samples * output.width)
        }
    }

    /// Adds what was measured during the epoch to its record: the mean gradient norms, the
    /// activation statistics, and at a histogram epoch the histograms; keeps the weights when
    /// the epoch is 0, chosen, or `last`.
    func complete(_ record: inout EpochRecord, histograms: Bool, last: Bool) {
        if observation.measures {
            measure(&record, histograms: histograms)
        } else if measuresUnits {
            record.activations = activationStatistics(histograms: false)
        }
        measuresUnits = false
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
        record.activations = activationStatistics(histograms: histograms)
    }

    /// Each activation layer's statistics over the evaluation just made.
    private func activationStatistics(histograms: Bool) -> [ActivationStatistics] {
        let bins = observation.histogramBins
        return activations.map { activation in
            ActivationStatistics(
                layer: activation.layer, function: activation.function.name,
                deadFraction: activation.function == .relu && !activation.maxima.isEmpty
                    ? Double(activation.maxima.count(where: { UnitHealth.isDead(maximum: Double($0)) })) / Double(activation.maxima.count) : nil,
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

    /// Each recurrent layer's gradient norms per time step, at the run's first step and at the last
    /// epoch's last step; empty without recurrent layers or before a step was taken.
    func timeStepGradients() -> [TimeStepGradients] {
        network.architecture.layers.compactMap { layer -> TimeStepGradients? in
            guard let initial = initialTimeSteps[layer.index], let final = latestTimeSteps[layer.index], !initial.isEmpty else { return nil }
            let returnsSequence = network.layers[layer.index].recurrent?.returnsSequence ?? true
            return TimeStepGradients(
                layer: layer.index, spec: layer.spec.description, returnsSequence: returnsSequence, initial: initial,
                finalEpoch: timeStepEpoch, finalStep: timeStepStep, final: final, unitRoundoff: Double(Scalar.ulpOfOne) / 2)
        }
    }

    /// The tensors as kept after `epoch`.
    private func snapshot(of epoch: Int) -> WeightSnapshot {
        WeightSnapshot(epoch: epoch, tensors: zip(tensors, latest).map { tensor, copy in
            WeightSnapshot.Values(name: tensor.name, shape: tensor.shape, values: Scalar.doubles(copy.pointer, count: tensor.count))
        })
    }
}
