import NNBenchDatasets

/// Everything besides the task and the architecture that decides a training run's numbers.
public struct TrainingConfiguration: Sendable, Hashable {
    /// The optimizer and its hyperparameters.
    public var optimizer: OptimizerSpec
    /// How the learning rate changes over the run.
    public var schedule: ScheduleSpec
    /// Gradient clipping, if any.
    public var clipping: ClipSpec?
    /// Passes over the training split.
    public var epochs: Int
    /// Samples per step; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// The seed of the initial weights, the shuffling and dropout.
    public var seed: UInt64
    /// The result that counts as success: epochs to target count until it is met, and
    /// ``stopAtTarget`` stops there. `nil` for the task's own (its reference solution's) target.
    public var target: Target?
    /// Whether to stop after the first epoch that meets the target.
    public var stopAtTarget: Bool
    /// The most threads a matrix product may use; the results do not depend on it.
    public var threads: Int
    /// What to measure for reports beyond the metrics and norms, or `nil` for nothing more; the
    /// results do not depend on it.
    public var observation: TrainingObservation?

    /// Creates a configuration.
    public init(
        optimizer: OptimizerSpec, schedule: ScheduleSpec = ScheduleSpec(), clipping: ClipSpec? = nil, epochs: Int,
        batchSize: Int, seed: UInt64 = 0, target: Target? = nil, stopAtTarget: Bool = false, threads: Int = 1,
        observation: TrainingObservation? = nil
    ) {
        self.optimizer = optimizer
        self.schedule = schedule
        self.clipping = clipping
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.target = target
        self.stopAtTarget = stopAtTarget
        self.threads = threads
        self.observation = observation
    }
}

/// How a training run ended.
public enum TrainingOutcome: Sendable, Hashable {
    /// Every epoch ran.
    case completed
    /// The run stopped after the first epoch that met the target.
    case reachedTarget
    /// The loss became NaN or infinite at this epoch (from 1) and step (from 1, within the epoch).
    case diverged(epoch: Int, step: Int, loss: String)

    /// Whether the loss stopped being finite (``diverged(epoch:step:loss:)``).
    public var isDiverged: Bool {
        if case .diverged = self { true } else { false }
    }
}

/// The record of a training run: its configuration, per-epoch curves and result.
public struct TrainingRecord: Sendable, Hashable, Codable {
    /// The task's name.
    public var task: String
    /// The task's parameters, as text.
    public var parameters: [String: String]
    /// The seed of the task's data.
    public var dataSeed: UInt64
    /// The seed of the run (weights, shuffling, dropout).
    public var seed: UInt64
    /// The architecture, in canonical spec form.
    public var architecture: String
    /// The optimizer, in canonical spec form.
    public var optimizer: String
    /// The learning-rate schedule.
    public var schedule: String
    /// Samples per step.
    public var batchSize: Int
    /// The target, e.g. `test accuracy >= 0.98`.
    public var target: String
    /// Epoch 0 (before training) and every epoch run.
    public var epochs: [EpochRecord]
    /// The first epoch whose metrics met the target, if any.
    public var epochsToTarget: Int?
    /// How the run ended.
    public var outcome: TrainingOutcome
    /// The wall-clock time of the run, in seconds; the only field that differs between runs.
    public var wallSeconds: Double
    /// The weights after epoch 0, the chosen epochs and the last epoch run, when the run was
    /// observed (``TrainingConfiguration/observation``).
    public var snapshots: [WeightSnapshot]?
    /// Each recurrent layer's gradient norm per time step at the run's first and last steps, when
    /// the run was observed and has recurrent layers.
    public var timeStepGradients: [TimeStepGradients]? = nil

    /// The last epoch's metrics.
    public var final: EpochRecord { epochs[epochs.count - 1] }
}
