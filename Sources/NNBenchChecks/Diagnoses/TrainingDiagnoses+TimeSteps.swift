import NNBenchEngine

extension TrainingDiagnoses {
    /// The band of `ρ = ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖` outside which a recurrent layer's gradient
    /// vanishes or explodes through time: `[u, 1/u]`, `u` the unit roundoff of the scalar the run
    /// computed in (``TimeStepGradients/unitRoundoff``, `2⁻²⁴ ≈ 6.0e-8` for Float).
    ///
    /// Derived, not tuned: the gradient of the recurrent weights is a sum over the steps
    /// (`dW_hh = Σ_t dg_tᵀ·h_{t−1}`); a term below `u` times another is rounded away when the two
    /// are added. Below `u`, what the first step contributes is lost against what the last one
    /// does, so nothing the layer learns can depend on it: the vanishing gradient of Bengio et al.
    /// (1994), decaying geometrically with the distance in time. Above `1/u`, the last step's
    /// contribution is lost against the first's: the exploding gradient of Pascanu et al. (2013,
    /// "On the difficulty of training recurrent neural networks"), growing geometrically back in time.
    public static func timeStepBand(unitRoundoff u: Double) -> ClosedRange<Double> { u...(1 / u) }

    /// Per recurrent layer that returns its last step alone, `ρ` after training (the run's last
    /// step). A layer that returns every step has each `h_t` also fed by its own output, which
    /// hides the decay through time; its norms are reported (record, report) without a verdict.
    /// At initialisation gated layers vanish too (gates near σ(0) = 1/2 halve the signal at every
    /// step): learning to carry it is what training does, so the verdict is the trained layer's.
    ///
    /// A run whose loss stopped being finite gets no verdict through time: its last kept norms
    /// are not those of a trained layer (a run that diverges within its first epoch keeps the
    /// initial weights' twice), and `loss-diverged` already says what went wrong.
    ///
    /// A layer that explodes at initialisation is told apart: unlike vanishing, which a gated
    /// layer does at first and learns its way out of, an explosion from the start is what the
    /// initial weights do, and what it leaves behind (relu units driven dead, a ρ of 0 after
    /// training) would otherwise read as vanishing.
    static func timeStepMeasurements(_ record: TrainingRecord) -> [TrainingMeasurement] {
        guard !record.outcome.isDiverged else { return [] }
        let profiles = (record.timeStepGradients ?? []).filter { !$0.returnsSequence }
        return profiles.compactMap(initialExplosion) + trainedTimeStepMeasurements(record, profiles)
    }

    /// `exploding-through-time` at the run's first step, when `ρ` is above the band there and the
    /// trained layer's verdict does not already say so.
    private static func initialExplosion(_ profile: TimeStepGradients) -> TrainingMeasurement? {
        let band = timeStepBand(unitRoundoff: profile.unitRoundoff), steps = profile.initial.count
        guard let ratio = TimeStepGradients.firstToLast(profile.initial), ratio > band.upperBound,
              TimeStepGradients.firstToLast(profile.final).map({ $0 <= band.upperBound }) ?? true else { return nil }
        let subject = "layer \(profile.layer) (\(profile.spec)) at initialisation"
        return measurement(
            "exploding-through-time", subject, value: ratio, margin: decadesInside(ratio, band), unit: "decades",
            threshold: "‖∂L/∂h_0‖ / ‖∂L/∂h_\(steps - 1)‖ within [\(short(band.lowerBound)), \(short(band.upperBound))]",
            message: "\(subject): the gradient reaching h_0 is \(short(ratio)) of the one reaching h_\(steps - 1) at the first step, above 1/u = \(short(band.upperBound)): "
                + "the initial weights explode through time (what training then shows, dead relu units or a ρ of 0, may be its aftermath); "
                + "try a smaller recurrent initialisation, gradient clipping (--clip \"norm(1.0)\"), a tanh rnn, or shorter sequences")
    }

    private static func trainedTimeStepMeasurements(_ record: TrainingRecord, _ profiles: [TimeStepGradients]) -> [TrainingMeasurement] {
        profiles.compactMap { profile -> TrainingMeasurement? in
            // A ratio of 0 is no gradient reaching h_0 at all: vanishing, `−∞` decades inside.
            guard record.epochs.count >= 2, let ratio = TimeStepGradients.firstToLast(profile.final) else { return nil }
            let band = timeStepBand(unitRoundoff: profile.unitRoundoff), steps = profile.final.count
            let vanishing = ratio < 1
            let subject = "layer \(profile.layer) (\(profile.spec))"
            let threshold = "‖∂L/∂h_0‖ / ‖∂L/∂h_\(steps - 1)‖ within [\(short(band.lowerBound)), \(short(band.upperBound))]"
            let measured = "after training (epoch \(profile.finalEpoch))"
            let message: String
            if let zero = TimeStepGradients.zeroPrefix(profile.final) {
                let unreached = zero.count == 1 ? "h_0" : "h_0 to h_\(zero.upperBound)"
                message = "\(subject): no gradient reaches \(unreached) at all \(measured): ‖∂L/∂h_t‖ is exactly 0 there, not small but absent "
                    + "(dead relu units, saturated gates, or an underflow on the way back), so the layer cannot learn what the first steps hold "
                    + "(vanishing gradient through time); try an lstm or gru, a tanh rnn, a lower rate, or shorter sequences"
            } else if vanishing {
                message = "\(subject): the gradient reaching h_0 is \(short(ratio)) of the one reaching h_\(steps - 1) \(measured), "
                    + "below the unit roundoff \(short(band.lowerBound)): the first steps' share of the recurrent weights' gradient is rounded away, the layer cannot learn what they hold (vanishing gradient through time); try an lstm or gru, or shorter sequences"
            } else {
                message = "\(subject): the gradient reaching h_0 is \(short(ratio)) of the one reaching h_\(steps - 1) \(measured), "
                    + "above 1/u = \(short(band.upperBound)): the last steps' share of the recurrent weights' gradient is rounded away (exploding gradient through time); try gradient clipping (--clip \"norm(1.0)\"), a lower rate, or a smaller recurrent initialisation"
            }
            return measurement(
                vanishing ? "vanishing-through-time" : "exploding-through-time", subject, value: ratio,
                margin: decadesInside(ratio, band), unit: "decades", threshold: threshold, message: message)
        }
    }
}

/// The verdict on one recurrent layer's gradient through time (``TrainingDiagnoses/timeStepVerdict(_:outcome:)``):
/// what `train --json` and the report show beside the norms per step, healthy or not.
public struct TimeStepVerdict: Sendable, Hashable, Codable {
    /// The recurrent layer's index.
    public var layer: Int
    /// `‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖` at the run's first step (initial weights); `nil` when not finite.
    public var initialRatio: Double?
    /// The same after training (the run's last step), which the verdict reads.
    public var finalRatio: Double?
    /// The healthy band of the ratio, `[u, 1/u]` (``TrainingDiagnoses/timeStepBand(unitRoundoff:)``).
    public var band: [Double]
    /// `healthy`, `vanishing through time` or `exploding through time`; `nil` for a layer that
    /// returns every step (its own outputs feed each `h_t`, no verdict), a ratio not measured, or
    /// a run that diverged.
    public var verdict: String?
}

extension TrainingDiagnoses {
    /// The verdict on `profile` after training, by ``timeStepBand(unitRoundoff:)``: the figures
    /// the `vanishing-through-time` and `exploding-through-time` diagnoses fire on, and `healthy`;
    /// none when the run ended with `outcome` diverged (its ratios are still given).
    public static func timeStepVerdict(_ profile: TimeStepGradients, outcome: TrainingOutcome) -> TimeStepVerdict {
        let band = timeStepBand(unitRoundoff: profile.unitRoundoff)
        let initial = TimeStepGradients.firstToLast(profile.initial), final = TimeStepGradients.firstToLast(profile.final)
        var verdict: String?
        if !profile.returnsSequence, !outcome.isDiverged, let final {
            verdict = timeStepVerdict(ratio: final, band: band)
        }
        return TimeStepVerdict(layer: profile.layer, initialRatio: initial, finalRatio: final, band: [band.lowerBound, band.upperBound], verdict: verdict)
    }

    /// `vanishing through time` below `band`, `exploding through time` above it, `healthy` in it:
    /// the one reading of `ρ` that the verdict, the diagnoses and the health check's note share.
    static func timeStepVerdict(ratio: Double, band: ClosedRange<Double>) -> String {
        ratio < band.lowerBound ? "vanishing through time" : ratio > band.upperBound ? "exploding through time" : "healthy"
    }
}
