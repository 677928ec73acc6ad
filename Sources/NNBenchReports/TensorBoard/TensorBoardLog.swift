import NNBenchDatasets
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// One training run as a TensorBoard event file, so that `tensorboard --logdir DIR` shows its
/// curves and histograms: one event per epoch (step = epoch, 0 the untrained network) with
///
/// - scalars: `loss/SPLIT` and `METRIC/SPLIT` for each metric the record holds (`accuracy`,
///   `mse`, `r2`; SPLIT is `train`, `valid`, `test`), `learning_rate`; per parameter tensor T
///   (`0.weight`): `weights/T/norm`, `weights/T/update_ratio`, `gradients/T/mean_norm`; per
///   activation layer A (`1.relu`): `activations/A/dead_fraction` or `/saturated_fraction`;
/// - histograms, at the epochs the run's observation chose: `weights/T`, `gradients/T`
///   (the epoch's last step), `activations/A`.
///
/// A value the record does not hold at an epoch (no gradient before training, a histogram
/// between histogram epochs) is left out. docs/reports.md says what each is.
///
/// The bytes depend on the record alone, so the same run gives the same file: the wall time
/// of each event is its epoch in seconds (the real time would differ on every run; the
/// record's `wallSeconds` keeps it), and the file name has no time stamp or host name
/// (``fileName``).
public struct TensorBoardLog: Sendable {
    /// The events, in order: the file version, then one per epoch.
    let events: [TensorBoardEvent]

    /// The file name: TensorBoard reads any file whose name contains `tfevents`, and TensorFlow
    /// names its own `events.out.tfevents.TIME.HOST`; nnbench's time is 0 and its host `nnbench`,
    /// so that the same run writes the same path and a second run replaces the first.
    public static let fileName = "events.out.tfevents.0000000000.nnbench"

    /// The run folder of one seed: `directory/name/seed-N`.
    ///
    /// - Parameters:
    ///   - directory: The `--tensorboard` folder.
    ///   - name: The suite entry, or the task for `nnbench train`.
    ///   - seed: The run's seed.
    public static func folder(in directory: String, name: String, seed: UInt64) -> String {
        "\(directory)/\(name)/seed-\(seed)"
    }

    /// The events of a training record.
    ///
    /// - Parameter record: The run; an observed run (``TrainingConfiguration/observation``)
    ///   has the mean gradient norms, activations and histograms, any other has its metrics and
    ///   norms alone.
    public init(record: TrainingRecord) {
        var events = [TensorBoardEvent(wallTime: 0, step: 0, payload: .fileVersion("brain.Event:2"))]
        for epoch in record.epochs {
            events.append(TensorBoardEvent(wallTime: Double(epoch.epoch), step: Int64(epoch.epoch), payload: .summary(Self.values(of: epoch))))
        }
        self.events = events
    }

    /// The event file's bytes: each event as one TFRecord.
    public var bytes: [UInt8] {
        var file: [UInt8] = []
        for event in events { TFRecord.append(event.encoded, to: &file) }
        return file
    }

    /// Writes the event file into `folder` (``fileName``), creating the folder, atomically.
    ///
    /// - Parameter folder: The run folder (``folder(in:name:seed:)``).
    /// - Throws: ``FileError`` when the folder cannot be created or the file written.
    public func write(to folder: String) throws(FileError) {
        try RunRecordWriter.createDirectory(folder)
        try AtomicFile.write(bytes, to: "\(folder)/\(Self.fileName)")
    }

    /// An epoch's tagged values, in a fixed order: metrics, then tensors, then activations.
    static func values(of epoch: EpochRecord) -> [TensorBoardEvent.Value] {
        var values: [TensorBoardEvent.Value] = []
        func scalar(_ tag: String, _ value: Double?) {
            if let value { values.append(.init(tag: tag, content: .scalar(Float(value)))) }
        }
        func histogram(_ tag: String, _ value: Histogram?) {
            if let value { values.append(.init(tag: tag, content: .histogram(value))) }
        }
        for split in SplitName.allCases { scalar("loss/\(split.rawValue)", epoch[split].loss) }
        for metric in Metric.allCases {
            for split in SplitName.allCases { scalar("\(metric.rawValue)/\(split.rawValue)", epoch[split].value(of: metric)) }
        }
        scalar("learning_rate", epoch.learningRate)
        for tensor in epoch.parameters {
            scalar("weights/\(tensor.name)/norm", tensor.weightNorm)
            scalar("weights/\(tensor.name)/update_ratio", tensor.updateRatio)
            scalar("gradients/\(tensor.name)/mean_norm", tensor.meanGradientNorm)
            histogram("weights/\(tensor.name)", tensor.weightHistogram)
            histogram("gradients/\(tensor.name)", tensor.gradientHistogram)
        }
        for layer in epoch.activations ?? [] {
            scalar("activations/\(layer.name)/dead_fraction", layer.deadFraction)
            scalar("activations/\(layer.name)/saturated_fraction", layer.saturatedFraction)
            histogram("activations/\(layer.name)", layer.histogram)
        }
        return values
    }
}
