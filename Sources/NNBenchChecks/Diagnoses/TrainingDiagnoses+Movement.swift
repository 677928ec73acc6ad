import Foundation
import NNBenchEngine

extension TrainingDiagnoses {
    /// A weight tensor whose distance from its initialisation relative to its initial norm,
    /// `‖w_T − w_0‖ / ‖w_0‖`, stays below this after training has barely moved: nnbench's own
    /// threshold (Cockpit, Schneider et al. 2021, tracks the distance from initialisation per layer).
    static let barelyMoved = 1e-3

    /// Per trainable tensor, from the weights an observed run keeps at epoch 0 and at its last
    /// epoch: whether it never changed (every value bit for bit as initialised: a frozen layer),
    /// and for weight tensors the distance from initialisation.
    static func movementMeasurements(_ record: TrainingRecord, layers: [LayerSpec]) -> [TrainingMeasurement] {
        guard let snapshots = record.snapshots, let initial = snapshots.first, let final = snapshots.last,
              initial.epoch == 0, final.epoch > 0 else { return [] }
        let trainable = Set(record.epochs[0].parameters.map(\.name))
        let weights = Set(weightTensors(record, layers: layers).map(\.name))
        var frozen: [String] = []
        var found: [TrainingMeasurement] = []
        for (before, after) in zip(initial.tensors, final.tensors) where trainable.contains(before.name) && before.name == after.name {
            let moved = zip(before.values, after.values).count(where: { $0.bitPattern != $1.bitPattern })
            if moved == 0 { frozen.append(before.name) }
            guard moved > 0, weights.contains(before.name), let distance = relativeDistance(before.values, after.values) else { continue }
            found.append(measurement(
                "barely-moved", before.name, value: distance, margin: log10(distance / barelyMoved), unit: "decades",
                threshold: "‖w − w₀‖ / ‖w₀‖ ≥ \(short(barelyMoved))",
                message: "\(before.name): moved \(short(distance)) of its initial norm in \(epochs(final.epoch)) (< \(short(barelyMoved))): the layer barely trains; look for vanishing gradients or dead units before it, or a rate too low"))
        }
        let subject = frozen.isEmpty ? "every parameter" : frozen.joined(separator: ", ")
        found.insert(measurement(
            "frozen", subject, value: Double(frozen.count), margin: frozen.isEmpty ? 1 : -1, unit: frozen.isEmpty ? "(none frozen)" : "(frozen)", threshold: "every tensor changed by training",
            message: "\(subject): never changed in \(epochs(final.epoch)) (every value as initialised): a frozen layer; look for a gradient that is zero (dead units feeding it), an update not applied, or a parameter left out of the optimizer"),
            at: 0)
        return found
    }

    /// Whether every trainable tensor is bit for bit as initialised after the last epoch (`false`
    /// without the weights at both ends).
    static func everyTensorUnchanged(_ record: TrainingRecord) -> Bool {
        guard let snapshots = record.snapshots, let initial = snapshots.first, let final = snapshots.last,
              initial.epoch == 0, final.epoch > 0 else { return false }
        let trainable = Set(record.epochs[0].parameters.map(\.name))
        let pairs = zip(initial.tensors, final.tensors).filter { trainable.contains($0.0.name) }
        return !pairs.isEmpty && pairs.allSatisfy { before, after in
            before.name == after.name && zip(before.values, after.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }

    /// `‖after − before‖ / ‖before‖`, or `nil` when `before` is all zeros.
    static func relativeDistance(_ before: [Double], _ after: [Double]) -> Double? {
        var change = 0.0, norm = 0.0
        for (b, a) in zip(before, after) {
            change += (a - b) * (a - b)
            norm += b * b
        }
        return norm > 0 ? (change / norm).squareRoot() : nil
    }
}
