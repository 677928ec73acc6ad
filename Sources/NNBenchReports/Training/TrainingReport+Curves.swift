import NNBenchBaselines
import NNBenchDatasets
import NNBenchEngine

extension TrainingReport {
    /// Loss and the target's metric on every split, per epoch, against what is known about the task.
    var curvesSection: HTMLPage.Section {
        let lossIsMSE = task.loss == .mse
        var lossReferences = [LineChart.Reference("loss at initialisation \(number(task.expectedInitialLoss))", value: task.expectedInitialLoss)]
        if lossIsMSE { lossReferences += knownLines(for: .mse) }
        let lossChart = LineChart(
            title: "loss (\(task.loss.rawValue))", xLabel: Self.epochLabel, yLabel: lossUnit, yScale: .log,
            series: baselineSeries { $0.loss } + splitSeries { $0.loss }, references: lossReferences)
        var figures = [(svg: withEpochsFromZero(lossChart).svg(), caption: Optional(
            "The mean loss on each split after each epoch, in evaluation mode (epoch 0: the untrained network)."))]
        var metrics = [target.metric, task.kind.primaryMetric]
        metrics = metrics.enumerated().filter { $0.offset == metrics.firstIndex(of: $0.element) }.map(\.element)
        for metric in metrics where !(lossIsMSE && metric == .mse) {
            let chart = LineChart(
                title: metric.rawValue, xLabel: Self.epochLabel, yLabel: metricLabel(metric), yScale: metric == .mse ? .log : .linear,
                series: baselineSeries { $0.value(of: metric) ?? .nan } + splitSeries { $0.value(of: metric) ?? .nan },
                references: knownLines(for: metric))
            figures.append((withEpochsFromZero(chart).svg(), nil))
        }
        var notes: [String] = []
        if records.count > 1 { notes.append("Thin lines are single seeds, thick lines their mean over the seeds that ran that epoch.") }
        if !baseline.isEmpty {
            notes.append("Grey and dashed: the baseline's mean over its \(baseline.count) seed\(baseline.count == 1 ? "" : "s") on the target's split (\(target.split.rawValue)), from its recorded curves.")
        }
        let note = notes.isEmpty ? "" : HTML.paragraph(notes.joined(separator: " "), note: true)
        return HTMLPage.Section(id: idPrefix + "curves", heading: "Learning curves", body: HTML.figures(figures) + note)
    }

    /// The y label of the loss chart.
    private var lossUnit: String {
        switch task.loss {
        case .mse: "mean squared error (log scale)"
        case .bceLogits, .softmaxCrossEntropy: "cross-entropy (nats, log scale)"
        }
    }

    private func metricLabel(_ metric: Metric) -> String {
        switch metric {
        case .accuracy: "accuracy (fraction correct)"
        case .mse: "mean squared error (log scale)"
        case .r2: "R² (1 − MSE / variance)"
        }
    }

    /// The known value, the target and the epoch it was met, as reference lines on `metric`'s chart.
    func knownLines(for metric: Metric) -> [LineChart.Reference] {
        var lines: [LineChart.Reference] = []
        let answer = task.answer
        switch metric {
        case .accuracy:
            if let bayes = answer.bayesAccuracy { lines.append(.init("Bayes accuracy \(percent(bayes))", value: bayes)) }
            if let bound = answer.linearBound, bound != answer.bayesAccuracy { lines.append(.init("best linear model \(percent(bound))", value: bound)) }
        case .mse:
            if let floor = answer.noiseFloor { lines.append(.init("noise floor \(number(floor))", value: floor)) }
        case .r2:
            break
        }
        if target.metric == metric {
            lines.append(.init("target \(target.split.rawValue) \(number(target.value))", value: target.value, colour: Palette.category(3)))
            if records.count == 1, let epoch = records[0].epochsToTarget {
                lines.append(.init("met at epoch \(epoch)", axis: .x, value: Double(epoch), colour: Palette.category(3)))
            }
        }
        return lines
    }

    /// The three splits' curves of a value: each seed's, and with several seeds their mean.
    func splitSeries(_ value: (SplitMetrics) -> Double) -> [LineChart.Series] {
        var series: [LineChart.Series] = []
        for (index, split) in SplitName.allCases.enumerated() {
            let colour = Palette.category(index)
            let curves = records.map { record in record.epochs.map { (x: Double($0.epoch), y: value($0[split])) } }
            if records.count == 1 {
                series.append(.init(label: split.rawValue, points: curves[0], colour: colour, dashed: split == .validation))
                continue
            }
            for (record, curve) in zip(records, curves) {
                series.append(.init(label: "\(split.rawValue) seed \(record.seed)", points: curve, colour: colour, width: 1,
                                    dashed: split == .validation, opacity: 0.3, inLegend: false))
            }
            series.append(.init(label: "\(split.rawValue) mean", points: Self.mean(curves), colour: colour, width: 2.25, dashed: split == .validation))
        }
        return series
    }

    /// The baseline's mean curve of a value on the target's split, grey and dashed (darker and
    /// wider than the reference lines' grey); none without a baseline.
    func baselineSeries(_ value: (SplitMetrics) -> Double) -> [LineChart.Series] {
        guard !baseline.isEmpty else { return [] }
        let curves = baseline.map { curve in curve.map { (x: Double($0.epoch), y: value($0[target.split])) } }
        return [.init(label: "baseline \(target.split.rawValue) mean", points: Self.mean(curves), colour: Colour(hex: 0x444444), width: 2.5, dashed: true)]
    }

    /// The mean of the curves at each x, over the curves that reach it.
    static func mean(_ curves: [[(x: Double, y: Double)]]) -> [(x: Double, y: Double)] {
        let length = curves.map(\.count).max() ?? 0
        return (0..<length).map { index in
            let values = curves.filter { $0.count > index }.map { $0[index] }
            return (values[0].x, values.map(\.y).reduce(0, +) / Double(values.count))
        }
    }

    /// The chart with its x axis starting at epoch 0.
    func withEpochsFromZero(_ chart: LineChart) -> LineChart {
        var chart = chart
        chart.xFromZero = true
        return chart
    }
}
