/// What a training run measures beyond its metrics and norms, for reports, TensorBoard and saved
/// weights: the gradient norm averaged over every step, histograms of weights, gradients and
/// activations, activation health, and copies of the weights. None of it changes the run's
/// numbers; it costs time, so a run measures it only when asked (``TrainingConfiguration/observation``).
public struct TrainingObservation: Sendable, Hashable {
    /// The bins of every histogram.
    public var histogramBins: Int
    /// About how many epochs get histograms: every `⌈budget / histogramEpochs⌉`-th epoch, epoch 0,
    /// and the last epoch of a run that completes or meets its target.
    public var histogramEpochs: Int
    /// Epochs whose weights are kept, besides epoch 0 and the last epoch run, which always are.
    public var snapshotEpochs: Set<Int>
    /// How many training samples activation histograms are drawn from (the first ones): dead and
    /// saturated fractions use the whole training split.
    public var activationSamples: Int
    /// Whether to measure the gradient norms over every step, histograms and activation
    /// statistics; `false` keeps the snapshots alone (saved weights), at almost no cost.
    public var measures: Bool
    /// Without ``measures``: whether to measure the activation statistics (dead and saturated
    /// fractions, no histograms) at epoch 0 and at the last epoch alone, what the training
    /// diagnoses need, at the cost of at most one more evaluation of the training split.
    public var unitStatistics: Bool

    /// Creates the options.
    public init(
        histogramBins: Int = 30, histogramEpochs: Int = 50, snapshotEpochs: Set<Int> = [], activationSamples: Int = 256, measures: Bool = true,
        unitStatistics: Bool = false
    ) {
        precondition(histogramBins >= 1 && histogramEpochs >= 1 && activationSamples >= 1, "observation options must be positive")
        self.histogramBins = histogramBins
        self.histogramEpochs = histogramEpochs
        self.snapshotEpochs = snapshotEpochs
        self.activationSamples = activationSamples
        self.measures = measures
        self.unitStatistics = unitStatistics
    }

    /// The epochs between two histograms for a budget of `epochs`.
    public func histogramInterval(budget epochs: Int) -> Int {
        Swift.max(1, (epochs + histogramEpochs - 1) / histogramEpochs)
    }
}

/// One activation layer's outputs over the training split, after an epoch, in evaluation mode.
public struct ActivationStatistics: Sendable, Hashable, Codable {
    /// The layer's index.
    public var layer: Int
    /// The activation function as the architecture names it (`relu`, `tanh`).
    public var function: String
    /// For `relu`: the fraction of the layer's units (output positions) that are zero for every
    /// training sample, units that no sample can train.
    public var deadFraction: Double?
    /// For `tanh` and `sigmoid`: the fraction of outputs that are saturated as ``UnitHealth``
    /// defines it, `|tanh| > 0.99` or `sigmoid` outside `[0.01, 0.99]`.
    public var saturatedFraction: Double?
    /// The outputs' histogram over the first ``TrainingObservation/activationSamples`` training
    /// samples, at histogram epochs.
    public var histogram: Histogram?

    /// Creates the statistics of one layer.
    public init(layer: Int, function: String, deadFraction: Double? = nil, saturatedFraction: Double? = nil, histogram: Histogram? = nil) {
        self.layer = layer
        self.function = function
        self.deadFraction = deadFraction
        self.saturatedFraction = saturatedFraction
        self.histogram = histogram
    }

    /// A name for charts and logs: `1.relu`.
    public var name: String { "\(layer).\(function)" }
}

/// Every parameter tensor's (and running statistic's) values after one epoch.
public struct WeightSnapshot: Sendable, Hashable, Codable {
    /// One tensor.
    public struct Values: Sendable, Hashable, Codable {
        /// The protocol name (`0.weight`, `1.running_mean`).
        public var name: String
        /// Its shape.
        public var shape: [Int]
        /// `product(shape)` values, row-major.
        public var values: [Double]

        /// Creates a tensor's values.
        public init(name: String, shape: [Int], values: [Double]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The epoch after which the values were taken (0: the initial weights).
    public var epoch: Int
    /// Trainable parameters in protocol order, then running statistics.
    public var tensors: [Values]

    /// Creates a snapshot.
    public init(epoch: Int, tensors: [Values]) {
        self.epoch = epoch
        self.tensors = tensors
    }

    /// The tensors by name, as ``Network/setParameters(_:)`` takes them.
    public func tensorsByName<Scalar: BinaryFloatingPoint & Hashable & Sendable>(_: Scalar.Type = Scalar.self) -> [String: Tensor<Scalar>] {
        Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.values.map { Scalar($0) })) })
    }
}
