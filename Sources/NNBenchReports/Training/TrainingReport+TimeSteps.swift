import NNBenchChecks
import NNBenchEngine

extension TrainingReport {
    /// Each recurrent layer's gradient through time (of the first seed): `‖∂L/∂h_t‖` against the
    /// step `t` on a log axis, at the run's first step and at its last, with the verdict of
    /// docs/diagnoses.md; `nil` without recurrent layers or norms in the record.
    ///
    /// What a log axis cannot draw is said on the chart: the steps whose norm is exactly 0 (in
    /// the legend), and two lines that coincide (the dashed initial one drawn over the other).
    var timeStepsSection: HTMLPage.Section? {
        let record = records[0]
        guard let profiles = record.timeStepGradients, !profiles.isEmpty else { return nil }
        var figures: [(svg: String, caption: String?)] = []
        for profile in profiles {
            func points(_ norms: [Double]) -> [(x: Double, y: Double)] { norms.enumerated().map { (Double($0.offset), $0.element) } }
            let chart = LineChart(
                title: "layer \(profile.layer) (\(profile.spec)): gradient through time", xLabel: "time step t",
                yLabel: "‖∂L/∂h_t‖ (log scale)", yScale: .log,
                // The dashed line on top, so that it shows where the two coincide.
                series: [
                    LineChart.Series(label: Self.finalLabel(profile, outcome: record.outcome), points: points(profile.final), colour: Palette.category(1)),
                    LineChart.Series(label: Self.withZeros("at initialisation (first step)", profile.initial), points: points(profile.initial), colour: Palette.category(0), dashed: true),
                ],
                // Wide enough for a legend that names the steps left out.
                width: 620)
            let verdict = TrainingDiagnoses.timeStepVerdict(profile, outcome: record.outcome)
            let ratios = "‖∂L/∂h_0‖ / ‖∂L/∂h_\(profile.final.count - 1)‖ = \(verdict.initialRatio.map(short) ?? "–") at initialisation, \(verdict.finalRatio.map(short) ?? "–") \(record.outcome.isDiverged ? "at the last finite step kept" : "after training")"
            let same = profile.initial == profile.final ? " The two lines coincide: the last step kept is the first." : ""
            let caption = if let word = verdict.verdict {
                "\(ratios): \(word) (healthy within [\(short(verdict.band[0])), \(short(verdict.band[1]))], the unit roundoff u and 1/u; docs/diagnoses.md).\(same)"
            } else if case .diverged(let epoch, let step, _) = record.outcome {
                "\(ratios). No verdict: the loss diverged (epoch \(epoch), step \(step)), so the last norms kept are not a trained layer's (see the loss diagnosis).\(same)"
            } else {
                "\(ratios). No verdict: the layer returns every step, so each h_t also gets its own output's gradient, which hides the decay through time.\(same)"
            }
            figures.append((chart.svg(), caption))
        }
        let body = HTML.paragraph(
            "The norm over the batch of the loss gradient reaching each hidden state h_t, from the engine's backward pass through time, at the run's first step (initial weights) and at its last. Going back from the last step, a falling line is a vanishing gradient through time (Bengio et al. 1994), a rising one an exploding gradient (Pascanu et al. 2013).",
            note: true) + HTML.figures(figures)
        return HTMLPage.Section(id: idPrefix + "time-steps", heading: "Gradient through time", body: body)
    }

    /// The legend of the last norms kept: after training, or the last finite step of a run that
    /// diverged (`last finite step (epoch 1, step 1)`; the caption says where it diverged).
    static func finalLabel(_ profile: TimeStepGradients, outcome: TrainingOutcome) -> String {
        let label = if outcome.isDiverged {
            "last finite step (epoch \(profile.finalEpoch), \(profile.finalStep.map { "step \($0)" } ?? "last step"))"
        } else {
            "after training (epoch \(profile.finalEpoch), last step)"
        }
        return withZeros(profile.initial == profile.final ? label + " = initialisation" : label, profile.final)
    }

    /// `label` with the steps whose norm is exactly 0, which a log axis leaves out: `…; 0 at t = 0–75, not drawn`.
    static func withZeros(_ label: String, _ norms: [Double]) -> String {
        let zeros = norms.indices.filter { norms[$0] == 0 }
        guard let first = zeros.first, let last = zeros.last else { return label }
        let steps = zeros.count == 1 ? "t = \(first)" : zeros.count == last - first + 1 ? "t = \(first)–\(last)" : "\(zeros.count) steps"
        return label + "; 0 at \(steps), not drawn"
    }
}
