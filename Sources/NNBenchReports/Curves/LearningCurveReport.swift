import Foundation
import NNBenchHarness

/// A learning curve as `nnbench curve` shows it: a text table with the verdict, and an HTML page
/// with the curve drawn over a log axis of sizes (docs/learning-curve.md).
public struct LearningCurveReport: Sendable {
    /// The curve.
    public let curve: LearningCurve
    /// Lines under the page's title: the command that made it.
    public let summary: [String]

    /// Creates a report.
    public init(curve: LearningCurve, summary: [String] = []) {
        self.curve = curve
        self.summary = summary
    }

    /// What was trained, in one line.
    private var heading: String {
        let seeds = curve.seeds == (0..<UInt64(curve.seeds.count)).map({ $0 }) ? "0..<\(curve.seeds.count)" : curve.seeds.map(String.init).joined(separator: ", ")
        return "learning curve of \(curve.task): \(curve.architecture), \(curve.optimizer), \(curve.epochs) epochs, batch \(curve.batchSize), seeds \(seeds), data seed \(curve.dataSeed), validation \(curve.validationSize) samples"
    }

    /// The known levels, in one line each.
    private var levels: [String] {
        var lines = [
            "optimum \(figure(curve.optimum.value)) (\(curve.optimum.source))",
            "chance \(figure(curve.chance.value)) (\(curve.chance.source))",
        ]
        if let lesson = curve.capacityLesson { lines.append("capacity lesson \(figure(lesson.value)) (\(lesson.source))") }
        return lines
    }

    private var measureText: String {
        switch curve.measure {
        case .classificationError: "1 − accuracy"
        case .mse: "the loss, mean squared error"
        }
    }

    /// The table's rows: size, train and validation error and gap as mean ± standard deviation.
    private var rows: [[String]] {
        curve.points.map { point in
            [String(point.size), spread(point.train), spread(point.validation), spread(point.gaps), String(point.diverged)]
        }
    }

    private static let header = ["size", "train error", "validation error", "gap (valid − train)", "diverged"]

    /// The curve as text: what was trained, the table, the known levels and the verdict with its figures.
    public var text: String {
        var text = heading + "\nerror: \(measureText), mean ± standard deviation over seeds\n\n"
        text += TextTable(header: Self.header, rows: rows).render() + "\n"
        text += levels.joined(separator: "; ") + "\n"
        text += "verdict: \(curve.diagnosis.verdict.rawValue)\n"
        text += curve.diagnosis.reasons.map { "  " + $0 + "\n" }.joined()
        return text
    }

    /// The page: the verdict, the curve, the table.
    public var html: String {
        let diagnosis = curve.diagnosis
        let verdict = HTML.paragraph("Verdict: \(diagnosis.verdict.rawValue).") + HTML.list(diagnosis.reasons)
            + HTML.paragraph(
                "Margins: \(Self.fractionText) of the chance error plus k = \(figure(diagnosis.k)) standard errors of the seed spread (Student t, one-sided 99 %); see docs/learning-curve.md.",
                note: true)
        let table = HTML.table(header: Self.header, rows: rows.map { row in row.enumerated().map { $0.offset == 0 ? HTML.Cell($0.element) : .number($0.element) } })
        let sections = [
            HTMLPage.Section(id: "verdict", heading: "Verdict", body: verdict),
            HTMLPage.Section(id: "curve", heading: "Error against training-set size", body: HTML.figures([(chart.svg(), caption)]) + table),
        ]
        return HTMLPage(title: "nnbench: learning curve of \(curve.task)", summary: summary + [heading, "error: " + measureText] + levels, sections: sections).rendered
    }

    private static let fractionText = "\(Int((LearningCurve.Diagnosis.fraction * 100).rounded())) %"

    private var caption: String {
        "Thin lines are single seeds, thick lines their mean; validation dashed. Horizontal dashed lines: the known levels (optimum, chance, capacity lesson). The x axis is logarithmic."
    }

    /// Train and validation error against size, each seed thin and the mean thick, with the known levels.
    var chart: LineChart {
        var series: [LineChart.Series] = []
        for (index, (name, values)) in [("train", \LearningCurve.Point.train), ("validation", \LearningCurve.Point.validation)].enumerated() {
            let colour = Palette.category(index)
            for (seedIndex, seed) in curve.seeds.enumerated() {
                series.append(.init(
                    label: "\(name) seed \(seed)", points: curve.points.map { (Double($0.size), $0[keyPath: values][seedIndex]) },
                    colour: colour, width: 1, dashed: index == 1, opacity: 0.3, inLegend: false))
            }
            series.append(.init(
                label: "\(name) mean", points: curve.points.map { (Double($0.size), Summary($0[keyPath: values]).mean) }, colour: colour,
                width: 2.25, dashed: index == 1))
        }
        var references = [
            LineChart.Reference("optimum \(figure(curve.optimum.value))", value: curve.optimum.value, colour: Palette.category(2)),
            LineChart.Reference("chance \(figure(curve.chance.value))", value: curve.chance.value),
        ]
        if let lesson = curve.capacityLesson { references.append(.init("capacity lesson \(figure(lesson.value))", value: lesson.value, colour: Palette.category(3))) }
        let unit = curve.measure == .mse ? "mean squared error (log scale)" : "error (1 − accuracy)"
        return LineChart(
            title: "learning curve (\(curve.measure.rawValue))", xLabel: "training samples (log scale)", yLabel: unit,
            yScale: curve.measure == .mse ? .log : .linear, xScale: .log, series: series, references: references, width: 560, plotHeight: 260)
    }

    private func spread(_ values: [Double]) -> String {
        let summary = Summary(values)
        guard let deviation = summary.standardDeviation else { return figure(summary.mean) }
        return "\(figure(summary.mean)) ± \(figure(deviation))"
    }

    private func figure(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.3g", value)
    }
}
