import Foundation
import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import NNBenchReports
import Testing

/// `check --report`: a self-contained page whose verdict table is the results' and whose bars are
/// the checks' own per-tensor and per-layer figures, read back from where they are drawn.
@Suite("check report HTML")
struct CheckHTMLReportTests {
    /// The gradient, reference and batch checks of a small float32 network (so that the reference
    /// engine's Double differs from it by rounding), optionally with a bug.
    static func results(fault: Fault?) throws -> [CheckResult] {
        let task = try Generators.memorize(classes: 3)
        return CheckBattery.run(
            model: EngineModel<Float>(fault: fault), architecture: try ArchitectureSpec(parsing: "dense(4) relu dense(3)"), task: task,
            seed: 0, only: ["gradient", "reference", "batch"])
    }

    /// The bars of `chart`: label, value and bound as written, and the values read back from the
    /// drawn rectangles and ticks. A value a log axis cannot draw (0) has no bar.
    static func expectBars(_ chart: Node, _ measurements: [CheckMeasurement]) throws {
        let area = try #require(chart.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x"))
        let bars = chart.elements("rect").filter { $0.attributes["class"] == "bar" }
        let ticks = chart.elements("line").filter { $0.attributes["class"] == "bound" }
        let drawable = measurements.filter { $0.error > 0 && $0.error.isFinite }
        try #require(bars.map { $0.attributes["data-label"] } == drawable.map(\.name), "\(bars.count) bars for \(drawable.count)")
        try #require(ticks.map { $0.attributes["data-label"] } == measurements.map(\.name))
        for (measurement, bar) in zip(drawable, bars) {
            #expect(Double(bar.attributes["data-value"] ?? "") == measurement.error)
            // A log axis: the bar runs from the left edge to its value.
            let end = try #require(Double(bar.attributes["x"] ?? "")) + (try #require(Double(bar.attributes["width"] ?? "")))
            #expect(Swift.abs(x.value(end) - measurement.error) <= 2 * x.tolerance(at: measurement.error), "\(measurement.name)")
        }
        for (measurement, tick) in zip(measurements, ticks) {
            #expect(Double(tick.attributes["data-value"] ?? "") == measurement.bound)
            let position = try #require(Double(tick.attributes["x1"] ?? ""))
            #expect(Swift.abs(x.value(position) - measurement.bound) <= x.tolerance(at: measurement.bound), "\(measurement.name) bound")
        }
    }

    @Test func theBarsAreTheChecksOwnFiguresAndTheTableItsVerdicts() throws {
        let results = try Self.results(fault: .reluBackwardPassesNegative)
        let gradient = try #require(results.first { $0.check == "gradient" })
        let reference = try #require(results.first { $0.check == "reference" })
        #expect(gradient.status == .failed && reference.status == .failed)
        // One figure per parameter tensor: the worst of them is the check's decisive figure.
        let perTensor = try #require(gradient.measurements)
        #expect(perTensor.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let worst = perTensor.map { $0.error / $0.bound }.max() ?? 0
        #expect(Swift.abs(worst - (gradient.load ?? 0)) <= 1e-12 * worst)
        // A bug in layer 1's backward pass: the gradients below it break their bound, those above do not.
        #expect(perTensor.map { $0.error > $0.bound } == [true, true, false, false])
        let measured = try #require(reference.measurements)
        let forward = measured.filter { $0.kind == .forward }, backward = measured.filter { $0.kind == .backward }
        #expect(forward.map(\.name) == ["layer 0 (dense)", "layer 1 (relu)", "layer 2 (dense)"] && forward.allSatisfy { $0.error <= $0.bound })
        #expect(backward.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(backward.map { $0.error > $0.bound } == [true, true, false, false])

        let page = try Markup.selfContained(CheckReport(results: results).page(title: "check <&>", summary: ["a line"]).rendered)
        let rows = page.elements("tbody").first?.elements("tr") ?? []
        try #require(rows.count == results.count)
        for (row, result) in zip(rows, results) {
            let cells = row.elements("td").map(\.allText)
            #expect(Array(cells.prefix(5)) == [result.check, result.status.rawValue, result.figure, result.bound, result.location?.description ?? ""])
            #expect(cells[5].hasPrefix(result.diagnosis ?? ""))
            for cause in result.likelyCauses { #expect(cells[5].contains(cause)) }
        }
        try Self.expectBars(try TrainingReportTests.chart(page, "gradient: analytic against numerical"), perTensor)
        try Self.expectBars(try TrainingReportTests.chart(page, "forward: each layer's output"), forward)
        try Self.expectBars(try TrainingReportTests.chart(page, "backward: each parameter's gradient"), backward)
    }

    @Test func checksThatMeasureNothingPerLayerGetTheTableAlone() throws {
        let results = try Self.results(fault: nil).filter { $0.check == "batch" }
        #expect(results.count == 1 && results[0].measurements == nil)
        let page = try Markup.selfContained(CheckReport(results: results).page(title: "t", summary: []).rendered)
        #expect(page.elements("svg").isEmpty && page.elements("section").count == 1)
    }

    @Test func aProgramsReportHasASectionPerArchitectureWithUniqueIds() throws {
        let results = try Self.results(fault: nil)
        var report = ProgramCheckReport(command: "python3 net.py")
        var checked = ProgramCheckReport.Entry(name: "mlp", architecture: "dense(4) relu dense(3)", task: "memorize")
        checked.results = results
        var declined = ProgramCheckReport.Entry(name: "image", architecture: "conv2d(2, kernel: 3)", task: "bars-stripes")
        declined.status = .unsupported
        declined.reason = "the program does not list the layer type 'conv2d'"
        var broken = ProgramCheckReport.Entry(name: "sigmoid", architecture: "dense(4) relu dense(3)", task: "memorize")
        broken.results = results
        broken.status = .error
        broken.failure = "the program exited with status 1"
        report.entries = [checked, declined, broken]
        let page = try Markup.selfContained(report.page(summary: ["nnbench check --exec …"]).rendered)
        #expect(page.elements("h2").map(\.allText) == ["mlp: dense(4) relu dense(3) on memorize", "image: conv2d(2, kernel: 3) on bars-stripes", "sigmoid: dense(4) relu dense(3) on memorize"])
        let ids = page.elements("section").compactMap { $0.attributes["id"] }
        #expect(Set(ids).count == ids.count && ids.contains("mlp-gradient") && ids.contains("sigmoid-reference"))
        #expect(page.allText.contains("unsupported: the program does not list the layer type 'conv2d'"))
        #expect(page.allText.contains("the program could not be checked: the program exited with status 1"))
        // The totals, as the text report's last line.
        #expect(page.elements("p").contains { $0.allText.hasPrefix("1 architecture checked, 1 unsupported, 1 could not be checked") })
    }
}
