import NNBenchEngine

extension TrainingDiagnoses {
    /// The training loss oscillates when it climbs back, summed over the epochs, by more than the
    /// way it came down (`Σ max(0, L_e − L_{e−1}) > L_0 − min L`): it got nowhere for all its
    /// moving. Adam's spikes on two-spirals' reference climb back 0.72 of the drop.
    static let oscillation = 1.0
    /// The loss barely moves when its best is within this fraction of where it started:
    /// `(L_0 − min L) / L_0 < 1 %`.
    static let flatLoss = 0.01

    /// A rate too high (the loss diverged, ends above where it started, or climbs back as much as
    /// it falls) or too low (it barely moves), read on the training loss of every epoch; a run
    /// that met its target at epoch 0 or has fewer than 2 epochs is left alone, and one that met
    /// its target at all is not said to rise or stay flat: the target is the task's own word that
    /// the rate served (xor's accuracy reaches 100 % while its loss has fallen 3 %). Karpathy, "A
    /// Recipe for Training Neural Networks" (2019), and CS231n's loss-curve figure ("Neural
    /// Networks Part 3"): rules of thumb; the thresholds are nnbench's own.
    static func lossMeasurements(_ record: TrainingRecord, layers: [LayerSpec]) -> [TrainingMeasurement] {
        let subject = "training loss"
        if case .diverged(let epoch, let step, let loss) = record.outcome {
            return [measurement(
                "loss-diverged", subject, value: .nan, margin: -1, unit: "(diverged)", threshold: "finite",
                message: "the training loss became \(loss) at epoch \(epoch), step \(step): the learning rate is likely too high; try it 10 times lower, or gradient clipping (--clip \"norm(1.0)\")")]
        }
        let losses = record.epochs.map(\.train.loss)
        guard losses.count >= 3, let initial = losses.first, let last = losses.last, initial.isFinite, initial > 0,
              record.epochsToTarget != 0 else { return [] }
        let best = losses.min()!, drop = initial - best
        // Up to the epoch that met the target: after it `train` goes on with its whole budget,
        // and mini-batch noise near the floor adds climbs with every epoch and no drop (circles'
        // reference climbs 2.6× its drop by epoch 300, having met its target at epoch 9).
        let untilTarget = Array(losses.prefix(through: Swift.min(record.epochsToTarget ?? losses.count - 1, losses.count - 1)))
        let dropUntilTarget = initial - untilTarget.min()!
        let climbs = zip(untilTarget.dropFirst(), untilTarget).reduce(0.0) { $0 + Swift.max(0, $1.0 - $1.1) }
        let met = record.epochsToTarget != nil
        var found = met ? [] : [measurement(
            "loss-rising", subject, value: last / initial, margin: 1 - last / initial, unit: "× initial loss", threshold: "last ≤ initial",
            message: "the training loss rose from \(short(initial)) to \(short(last)) over \(epochs(losses.count - 1)): the learning rate is likely too high; try it 10 times lower")]
        if untilTarget.count >= 3, dropUntilTarget > 0 {
            let ratio = climbs / dropUntilTarget, span = met ? " up to epoch \(untilTarget.count - 1), where it met its target," : ""
            found.append(measurement(
                "loss-oscillating", subject, value: ratio, margin: oscillation - ratio, unit: "× drop",
                threshold: "climbs ≤ \(short(oscillation)) × drop",
                message: "the training loss\(span) climbs back \(short(climbs)) in all for a drop of \(short(dropUntilTarget)) (\(short(ratio))× it, more than \(short(oscillation))×): the learning rate is likely too high; try it 3 to 10 times lower"))
        }
        if !met {
            // A weight tensor whose gradient is exactly zero at every epoch does not train at any
            // rate: a higher one would change nothing there.
            let stuck = weightTensors(record, layers: layers).filter { index, _ in
                record.epochs.dropFirst().allSatisfy { $0.parameters.indices.contains(index) && $0.parameters[index].gradientNorm == 0 }
            }.map(\.name)
            // Nor does a network none of whose parameters changed though their gradients did
            // not vanish: its updates were not applied.
            let unchanged = stuck.isEmpty && everyTensorUnchanged(record)
            let cause = !stuck.isEmpty
                ? "the gradient of \(stuck.joined(separator: ", ")) is zero at every epoch, so the rate is not the cause: look for a zero or constant initialisation (every unit of a layer alike), dead units, or a gradient that does not reach the layer"
                : unchanged
                ? "no parameter changed at all, so the rate is not the cause: look for an update that is not applied or a parameter left out of the optimizer"
                : "the learning rate is likely too low, or the model cannot fit; try the rate 10 times higher"
            found.append(measurement(
                "loss-flat", subject, value: drop / initial, margin: drop / initial - flatLoss, unit: "× initial loss",
                threshold: "drop ≥ \(short(100 * flatLoss)) % of the initial loss",
                message: "the training loss barely moves: its best, \(short(best)), is \(short(100 * drop / initial)) % below the initial \(short(initial)) after \(epochs(losses.count - 1)) (< \(short(100 * flatLoss)) %): \(cause)"))
        }
        // One loss diagnosis at a time: a loss that rises also "oscillates".
        if let first = found.firstIndex(where: { $0.diagnosis != nil }) {
            for index in found.indices where index > first { found[index].diagnosis = nil }
        }
        return found
    }
}
