import NNBenchEngine

extension TrainingReport {
    /// The activation layers' health over the epochs (of the first seed): dead ReLUs, saturated
    /// tanh and sigmoid units, and the outputs' histograms; `nil` for a run that was not observed
    /// or has no activation layer.
    var activationsSection: HTMLPage.Section? {
        let record = records[0]
        guard let layers = record.epochs[0].activations, !layers.isEmpty else { return nil }
        func fraction(_ title: String, _ value: (ActivationStatistics) -> Double?) -> LineChart? {
            let series = layers.indices.compactMap { index -> LineChart.Series? in
                let points = record.epochs.compactMap { epoch in
                    epoch.activations.flatMap { $0.indices.contains(index) ? value($0[index]) : nil }.map { (x: Double(epoch.epoch), y: $0) }
                }
                return points.isEmpty ? nil : LineChart.Series(label: layers[index].name, points: points, colour: Palette.category(index))
            }
            guard !series.isEmpty else { return nil }
            // The line at 1 keeps the whole range in view when every fraction is 0.
            return withEpochsFromZero(LineChart(
                title: title, xLabel: Self.epochLabel, yLabel: "fraction", series: series, references: [.init("all", value: 1)]))
        }
        var figures: [(svg: String, caption: String?)] = []
        if let dead = fraction("dead ReLU units", { $0.deadFraction }) {
            figures.append((dead.svg(), "The fraction of a ReLU layer's units that output 0 for every training sample: units no sample can train."))
        }
        if let saturated = fraction("saturated tanh / sigmoid outputs", { $0.saturatedFraction }) {
            figures.append((saturated.svg(), "The fraction of outputs saturated (docs/diagnoses.md): |tanh| > 0.99, sigmoid outside [0.01, 0.99], where the derivative is below 2 % (tanh) or 4 % (sigmoid) of its largest."))
        }
        for (index, layer) in layers.enumerated() {
            let ridges = Self.ridges(record.epochs.compactMap { epoch in
                epoch.activations.flatMap { $0.indices.contains(index) ? $0[index].histogram : nil }.map { (epoch.epoch, $0) }
            })
            if !ridges.isEmpty { figures.append((Ridgeline(title: "\(layer.name) outputs", valueLabel: "activation value", ridges: ridges).svg(), nil)) }
        }
        return HTMLPage.Section(
            id: idPrefix + "activations", heading: "Activations",
            body: HTML.paragraph("Each activation layer's outputs on the training split after each epoch, in evaluation mode.", note: true)
                + HTML.figures(figures))
    }
}
