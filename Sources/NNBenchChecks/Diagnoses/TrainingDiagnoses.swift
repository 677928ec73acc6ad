import Foundation
import NNBenchEngine

/// Diagnoses a finished run from its record (``TrainingRecord``): the norms every run keeps, and,
/// when the run was observed (``TrainingObservation/unitStatistics`` is enough), the activation
/// statistics at epoch 0 and at the last epoch and the weights at both ends.
public enum TrainingDiagnoses {
    /// Every rule's diagnoses of `record`, in a fixed order (loss, update ratios, gradients across
    /// depth and through time, units, frozen and distant layers); empty for a healthy run.
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
        return lossMeasurements(record, layers: layers) + updateRatioMeasurements(record, layers: layers) + gradientDepthMeasurements(record, layers: layers)
            + timeStepMeasurements(record) + unitMeasurements(record) + movementMeasurements(record, layers: layers)
    }

    /// A measurement, carrying its diagnosis when `margin` is negative.
    static func measurement(
        _ rule: String, _ subject: String, value: Double, margin: Double, unit: String, threshold: String, message: @autoclosure () -> String
    ) -> TrainingMeasurement {
        TrainingMeasurement(
            rule: rule, subject: subject, value: value, margin: margin, marginUnit: unit, threshold: threshold,
            diagnosis: margin < 0 ? TrainingDiagnosis(name: rule, subject: subject, value: value, threshold: threshold, message: message()) : nil)
    }

    /// `1 epoch`, `n epochs`: the messages' count of epochs.
    static func epochs(_ count: Int) -> String { count == 1 ? "1 epoch" : "\(count) epochs" }

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
