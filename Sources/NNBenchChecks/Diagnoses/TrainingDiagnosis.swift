import Foundation
import NNBenchEngine

/// One thing a training run's own measurements say is wrong with how it trains (not with the
/// code): a rate too high or too low, dead or saturated units, vanishing gradients, a frozen
/// layer. A warning: it never changes a run's numbers or a command's exit status.
///
/// Every rule, its definition, threshold and source: docs/diagnoses.md.
public struct TrainingDiagnosis: Sendable, Hashable, Codable {
    /// The rule's name, e.g. `update-ratio`, `dead-units`, `vanishing-gradients`.
    public var name: String
    /// What it was measured on: a tensor (`0.weight`), a layer (`layer 1 (relu)`), `training loss`.
    public var subject: String
    /// The figure measured (a ratio, a fraction, a relative change).
    public var value: Double
    /// The threshold it crossed, as text: `outside [1e-05, 0.1]`.
    public var threshold: String
    /// One line: what was measured and what to try.
    public var message: String

    /// Creates a diagnosis.
    public init(name: String, subject: String, value: Double, threshold: String, message: String) {
        self.name = name
        self.subject = subject
        self.value = value
        self.threshold = threshold
        self.message = message
    }
}

/// One rule's figure on one place of a run, whether or not it crossed the threshold: what the
/// margins of docs/diagnoses.md are measured on (`nnbench run --diagnoses-margins`).
public struct TrainingMeasurement: Sendable {
    /// The rule's name, as its diagnosis would be named (`update-ratio`).
    public var rule: String
    /// Where it was measured (``TrainingDiagnosis/subject``).
    public var subject: String
    /// The figure.
    public var value: Double
    /// How far inside its healthy range the figure is, in ``marginUnit``: negative when the rule
    /// fires.
    public var margin: Double
    /// The unit of ``margin``: `decades` (orders of magnitude, for ratios) or `points` (for
    /// fractions and relative changes).
    public var marginUnit: String
    /// The threshold, as text.
    public var threshold: String
    /// The diagnosis when the rule fires.
    public var diagnosis: TrainingDiagnosis?
}

/// Diagnoses a finished run from its record (``TrainingRecord``): the norms every run keeps, and,
/// when the run was observed (``TrainingObservation/unitStatistics`` is enough), the activation
/// statistics at epoch 0 and at the last epoch and the weights at both ends.
public enum TrainingDiagnoses {
    /// Every rule's diagnoses of `record`, in a fixed order (loss, update ratios, gradients across
    /// depth, units, frozen and distant layers); empty for a healthy run.
    ///
    /// - Parameter record: A run's record; what it lacks (no observation, one epoch) leaves the
    ///   rules that need it silent.
    public static func diagnose(_ record: TrainingRecord) -> [TrainingDiagnosis] {
        measure(record).compactMap(\.diagnosis)
    }

    /// Every rule's figure on every place of `record` it applies to, in the order of
    /// ``diagnose(_:)``, those that fire and those that do not.
    public static func measure(_ record: TrainingRecord) -> [TrainingMeasurement] {
        let layers = (try? ArchitectureSpec(parsing: record.architecture))?.layers ?? []
        return lossMeasurements(record) + updateRatioMeasurements(record, layers: layers) + gradientDepthMeasurements(record, layers: layers)
            + unitMeasurements(record) + movementMeasurements(record, layers: layers)
    }

    /// A measurement, carrying its diagnosis when `margin` is negative.
    static func measurement(
        _ rule: String, _ subject: String, value: Double, margin: Double, unit: String, threshold: String, message: @autoclosure () -> String
    ) -> TrainingMeasurement {
        TrainingMeasurement(
            rule: rule, subject: subject, value: value, margin: margin, marginUnit: unit, threshold: threshold,
            diagnosis: margin < 0 ? TrainingDiagnosis(name: rule, subject: subject, value: value, threshold: threshold, message: message()) : nil)
    }

    /// How many decades `value` lies inside `band` (negative outside it); both positive.
    static func decadesInside(_ value: Double, _ band: ClosedRange<Double>) -> Double {
        Swift.min(log10(value / band.lowerBound), log10(band.upperBound / value))
    }

    /// The weight tensors (not biases, not batchnorm's scale) in layer order, with their index in
    /// the epoch records' ``EpochRecord/parameters``: what update ratios and depth are read on.
    static func weightTensors(_ record: TrainingRecord, layers: [LayerSpec]) -> [(index: Int, name: String)] {
        guard let first = record.epochs.first else { return [] }
        return first.parameters.enumerated().compactMap { index, parameter in
            let parts = parameter.name.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix("weight"), let layer = Int(parts[0]) else { return nil }
            if layers.indices.contains(layer), case .batchNorm = layers[layer] { return nil }
            return (index, parameter.name)
        }
    }

}
