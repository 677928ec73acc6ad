import NNBenchEngine

extension TrainingDiagnoses {
    /// More than this fraction of a ReLU layer's units dead (``UnitHealth``) at initialisation is
    /// diagnosed; the `health` check's bound (``TrainingHealthCheck/deadFraction``). CS231n
    /// ("Neural Networks Part 1") warns that "as much as 40 % of your network can be dead".
    static var deadAtInitialisation: Double { TrainingHealthCheck.deadFraction }
    /// More than this fraction of a tanh or sigmoid layer's outputs saturated (``UnitHealth``) at
    /// initialisation is diagnosed; the `health` check's bound (``TrainingHealthCheck/saturatedFraction``).
    static var saturatedAtInitialisation: Double { TrainingHealthCheck.saturatedFraction }
    /// After training, more than this fraction dead or saturated is diagnosed: a trained network
    /// leaves units unused and drives tanh units to ±1 on purpose (the references reach 59 % dead
    /// on friedman1 and 71 % saturated on two-spirals, docs/diagnoses.md); only a layer nearly
    /// all dead or saturated has stopped learning.
    static let unitsAfterTraining = 0.9

    /// Dead ReLU units and saturated tanh/sigmoid outputs per layer, at initialisation (epoch 0)
    /// and after training (the last epoch), from the activation statistics an observed run keeps.
    static func unitMeasurements(_ record: TrainingRecord) -> [TrainingMeasurement] {
        guard let initial = record.epochs.first, let final = record.epochs.last else { return [] }
        var moments = [("at initialisation", initial, deadAtInitialisation, saturatedAtInitialisation)]
        if final.epoch != initial.epoch {
            moments.append(("after training (epoch \(final.epoch))", final, unitsAfterTraining, unitsAfterTraining))
        }
        return moments.flatMap { when, epoch, deadBand, saturatedBand in
            (epoch.activations ?? []).compactMap { statistics -> TrainingMeasurement? in
                let subject = "layer \(statistics.layer) (\(statistics.function))"
                if let dead = statistics.deadFraction {
                    return measurement(
                        "dead-units", subject, value: dead, margin: deadBand - dead, unit: "of the units", threshold: "≤ \(short(100 * deadBand)) % dead \(when.hasPrefix("after") ? "after training" : when)",
                        message: "\(subject): \(short(100 * dead)) % of the units are dead \(when) (zero on every training sample; > \(short(100 * deadBand)) %): try a lower learning rate, biases initialised at 0 or slightly positive, He initialisation, or leaky_relu")
                }
                if let saturated = statistics.saturatedFraction {
                    let limit = statistics.function == "tanh"
                        ? "|t| > \(short(UnitHealth.tanhLimit))" : "outside [\(short(UnitHealth.sigmoidLimit)), \(short(1 - UnitHealth.sigmoidLimit))]"
                    return measurement(
                        "saturated-units", subject, value: saturated, margin: saturatedBand - saturated, unit: "of the outputs",
                        threshold: "≤ \(short(100 * saturatedBand)) % saturated \(when.hasPrefix("after") ? "after training" : when)",
                        message: "\(subject): \(short(100 * saturated)) % of the outputs are saturated \(when) (\(limit); > \(short(100 * saturatedBand)) %): try normalised inputs, a smaller initialisation (glorot/lecun), a lower learning rate, or ReLU")
                }
                return nil
            }
        }
    }
}
