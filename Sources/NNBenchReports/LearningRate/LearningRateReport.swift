import NNBenchEngine
import NNBenchIO

/// The learning-rate range test of one configuration, as text (what `nnbench lr-find` prints), as
/// JSON figures, and as an HTML page with the loss against the rate on a log axis.
public struct LearningRateReport: Sendable {
    /// The task's name.
    public var task: String
    /// The architecture, in canonical spec form.
    public var architecture: String
    /// The optimizer whose rate is swept, in canonical spec form; its own rate is the configured one.
    public var optimizer: String
    /// The configured learning rate: the optimizer spec's.
    public var configuredRate: Double
    /// Samples per step.
    public var batchSize: Int
    /// The seed of the initial weights and the shuffling.
    public var seed: UInt64
    /// The test.
    public var result: LearningRateRangeResult
    /// Lines about how the page was made (the command line).
    public var summary: [String]

    /// Creates a report.
    public init(
        task: String, architecture: String, optimizer: String, configuredRate: Double, batchSize: Int, seed: UInt64,
        result: LearningRateRangeResult, summary: [String] = []
    ) {
        self.task = task
        self.architecture = architecture
        self.optimizer = optimizer
        self.configuredRate = configuredRate
        self.batchSize = batchSize
        self.seed = seed
        self.result = result
        self.summary = summary
    }

    /// How the configured rate stands against the test.
    public var assessment: LearningRateRangeResult.Assessment { result.assess(configuredRate) }

    /// The figures `--json` writes: the configuration, the suggestions' rates, the divergence,
    /// the assessment of the configured rate, and every step.
    public struct Figures: Sendable, Hashable, Codable {
        var task: String
        var architecture: String
        var optimizer: String
        var configuredRate: Double
        var batchSize: Int
        var seed: UInt64
        var steep: Double?
        var steepSlope: Double?
        var minimum: Double?
        var minimumLoss: Double?
        var divergence: Double?
        var assessment: LearningRateRangeResult.Assessment
        var test: LearningRateRangeResult
    }

    /// The figures, for `--json`.
    public var figures: Figures {
        Figures(
            task: task, architecture: architecture, optimizer: optimizer, configuredRate: configuredRate, batchSize: batchSize,
            seed: seed, steep: result.steep?.learningRate, steepSlope: result.steepSlope, minimum: result.minimum?.learningRate,
            minimumLoss: result.minimum?.smoothedLoss, divergence: result.divergence?.learningRate, assessment: assessment,
            test: result)
    }

    /// What the test was: task, model, optimizer, batch, seed, rates.
    var heading: String {
        "lr-find \(task): \(architecture), \(optimizer), batch \(batchSize), seed \(seed); "
            + "\(result.steps) steps from \(result.start.numberText) to \(result.end.numberText)"
    }

    /// The suggestions and the divergence, one line each, as printed and on the page.
    var findings: [String] {
        var lines: [String] = []
        if let steep = result.steep, let slope = result.steepSlope {
            lines.append("steep       lr \(steep.learningRate.numberText) (step \(steep.step)): the smoothed loss falls fastest, \(slope.numberText) per factor e of the rate")
        } else {
            lines.append("steep       none: \(windowShortfall(needed: 2))")
        }
        if let minimum = result.minimum {
            lines.append("minimum     lr \(minimum.learningRate.numberText) (step \(minimum.step)): smoothed loss \(minimum.smoothedLoss.numberText); fastai suggests a tenth, \((minimum.learningRate / 10).numberText)")
        } else {
            lines.append("minimum     none: \(windowShortfall(needed: 1))")
        }
        if let divergence = result.divergence {
            let why = result.stop == .notFinite
                ? "the loss is not finite (\(divergence.loss.numberText))"
                : "smoothed loss \(divergence.smoothedLoss.numberText) > \(LearningRateRangeTest.divergenceFactor.numberText) × its minimum"
            lines.append("divergence  lr \(divergence.learningRate.numberText) (step \(divergence.step)): \(why)")
        } else {
            lines.append("divergence  none up to \(result.end.numberText): every step ran")
        }
        lines.append("configured  lr \(configuredRate.numberText) (\(optimizer))")
        return lines
    }

    /// Why a suggestion that needs `needed` steps in the window has none, and what would give it
    /// one: the window drops the first `steps/10` and the last 5 recorded steps (fastai's).
    private func windowShortfall(needed: Int) -> String {
        let left = result.suggestionWindow.count
        let why = "\(left == 0 ? "no step is" : "only \(left) step\(left == 1 ? " is" : "s are")") left for it after the first \(result.steps / 10) and the last 5 of the \(result.points.count) recorded (fastai's window; it needs \(needed))"
        guard result.stop == .completed else { return why + ": the test diverged too early" }
        // n − 5 − n/10 ≥ needed: the smallest such n.
        let enough = (2...).first { $0 - 5 - $0 / 10 >= needed }!
        return why + "; run --steps \(enough) or more"
    }

    /// The warning on the configured rate, or `nil` when it is in range.
    var verdict: String? {
        switch assessment {
        case .pastDivergence:
            let divergence = result.divergence!.learningRate
            return "warning: the configured learning rate \(configuredRate.numberText) is past the divergence point \(divergence.numberText): training at it will likely diverge"
        case .beyondSweep where configuredRate > result.end:
            return "warning: the configured learning rate \(configuredRate.numberText) is above the sweep's end \(result.end.numberText): the test never tried it; run with --end above it, e.g. --end \((configuredRate * 10).numberText)"
        case .beyondSweep:
            return "warning: the configured learning rate \(configuredRate.numberText) is below the sweep's start \(result.start.numberText): the test never tried it; run with --start below it, e.g. --start \((configuredRate / 10).numberText)"
        case .inRange:
            return nil
        }
    }

    /// What `nnbench lr-find` prints: the heading, the loss at every `every`-th step and at the
    /// steep, minimum and last steps, then the findings and the verdict.
    public func text(every: Int = 10) -> String {
        var marks: [Int: [String]] = [:]
        if let steep = result.steep { marks[steep.step, default: []].append("steep") }
        if let minimum = result.minimum { marks[minimum.step, default: []].append("minimum") }
        if let divergence = result.divergence { marks[divergence.step, default: []].append("divergence") }
        let shown = result.points.filter { $0.step % every == 0 || marks[$0.step] != nil || $0.step == result.points.count - 1 }
        let rows = shown.map { point in
            [String(point.step), point.learningRate.numberText, point.loss.numberText, point.smoothedLoss.numberText,
             (marks[point.step] ?? []).joined(separator: ", ")]
        }
        var text = heading + "\n\n"
        // The marks column is mostly empty: no line ends in the padding before it.
        // The marks column has no title, so no rule under it either: the rule line ends with the
        // fourth column's.
        let table = TextTable(header: ["step", "lr", "loss", "smoothed", ""], rows: rows).render()
        text += table.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { index, line in
                let runs = line.split(separator: " ")
                if index == 1, runs.count > 4 { return String(line[..<runs[3].endIndex]) }
                return String(line.reversed().drop { $0 == " " }.reversed())
            }.joined(separator: "\n")
        text += "\n" + findings.joined(separator: "\n") + "\n"
        if let verdict { text += verdict + "\n" }
        return text
    }

    /// The HTML page: the curve, then the findings and every step in a table.
    public var html: String {
        let page = HTMLPage(title: "nnbench: lr-find \(task)", summary: [heading] + summary, sections: [
            HTMLPage.Section(id: "curve", heading: "Loss against the learning rate", body: HTML.figures([(chart.svg(), caption)])
                + HTML.list(findings) + (verdict.map { HTML.paragraph($0) } ?? "")),
            HTMLPage.Section(id: "steps", heading: "Every step", body: HTML.table(
                header: ["step", "lr", "loss", "smoothed"],
                rows: result.points.map { point in
                    [.number(String(point.step)), .number(point.learningRate.numberText), .number(point.loss.numberText),
                     .number(point.smoothedLoss.numberText)]
                })),
        ])
        return page.rendered
    }

    private var caption: String {
        "Each step trains one mini-batch at its rate; the loss is the batch's before the update, smoothed with β = 0.98 and bias correction (fastai). The test stops when the smoothed loss exceeds 4× its minimum or is not finite. Dashed lines: the steep point, the divergence and the configured rate."
    }

    /// The raw and smoothed loss against the rate, on log axes, with the steep point, the
    /// divergence and the configured rate as vertical lines.
    var chart: LineChart {
        let raw = result.points.map { (x: $0.learningRate, y: $0.loss) }
        let smoothed = result.points.map { (x: $0.learningRate, y: $0.smoothedLoss) }
        // Bare words: the lines are often closer than a number's width (the figures are listed below).
        var references: [LineChart.Reference] = []
        if let steep = result.steep {
            references.append(.init("steep", axis: .x, value: steep.learningRate, colour: Palette.category(2)))
        }
        if let divergence = result.divergence {
            references.append(.init("divergence", axis: .x, value: divergence.learningRate, colour: Palette.category(3)))
        }
        references.append(.init("configured", axis: .x, value: configuredRate, colour: Palette.category(7)))
        return LineChart(
            title: "loss against the learning rate", xLabel: "learning rate (log scale)", yLabel: "loss (log scale)", yScale: .log,
            xScale: .log, series: [
                LineChart.Series(label: "loss of the step's mini-batch", points: raw, colour: Palette.category(0), width: 1, opacity: 0.45),
                LineChart.Series(label: "smoothed (β = 0.98)", points: smoothed, colour: Palette.category(1), width: 2),
            ], references: references, width: 720, plotHeight: 320)
    }
}
