import NNBenchChecks
import NNBenchEngine

extension TrainingReport {
    /// Each recurrent layer's gradient through time (of the first seed): `‖∂L/∂h_t‖` against the
    /// step `t` on a log axis, at the run's first step and at its last, with the verdict of
    /// docs/diagnoses.md; `nil` without recurrent layers or norms in the record.
    var timeStepsSection: HTMLPage.Section? {
        let record = records[0]
        guard let profiles = record.timeStepGradients, !profiles.isEmpty else { return nil }
        var figures: [(svg: String, caption: String?)] = []
        for profile in profiles {
            func points(_ norms: [Double]) -> [(x: Double, y: Double)] { norms.enumerated().map { (Double($0.offset), $0.element) } }
            let chart = LineChart(
                title: "layer \(profile.layer) (\(profile.spec)): gradient through time", xLabel: "time step t",
                yLabel: "‖∂L/∂h_t‖ (log scale)", yScale: .log,
                series: [
                    LineChart.Series(label: "at initialisation (first step)", points: points(profile.initial), colour: Palette.category(0), dashed: true),
                    LineChart.Series(label: "after training (epoch \(profile.finalEpoch), last step)", points: points(profile.final), colour: Palette.category(1)),
                ])
            let verdict = TrainingDiagnoses.timeStepVerdict(profile)
            let ratios = "‖∂L/∂h_0‖ / ‖∂L/∂h_\(profile.final.count - 1)‖ = \(verdict.initialRatio.map(number) ?? "–") at initialisation, \(verdict.finalRatio.map(number) ?? "–") after training"
            let caption = if let word = verdict.verdict {
                "\(ratios): \(word) (healthy within [\(number(verdict.band[0])), \(number(verdict.band[1]))], the unit roundoff u and 1/u; docs/diagnoses.md)."
            } else {
                "\(ratios). No verdict: the layer returns every step, so each h_t also gets its own output's gradient, which hides the decay through time."
            }
            figures.append((chart.svg(), caption))
        }
        let body = HTML.paragraph(
            "The norm over the batch of the loss gradient reaching each hidden state h_t, from the engine's backward pass through time, at the run's first step (initial weights) and at its last. Going back from the last step, a falling line is a vanishing gradient through time (Bengio et al. 1994), a rising one an exploding gradient (Pascanu et al. 2013).",
            note: true) + HTML.figures(figures)
        return HTMLPage.Section(id: idPrefix + "time-steps", heading: "Gradient through time", body: body)
    }
}
