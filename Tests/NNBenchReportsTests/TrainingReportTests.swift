import Foundation
import NNBenchBaselines
import NNBenchDatasets
import NNBenchEngine
@testable import NNBenchReports
import Testing

/// The training report: a self-contained page whose curves are the record's numbers, with the
/// task's known answers, each layer's statistics, and the model's decision regions.
@Suite("training report")
struct TrainingReportTests {
    static func train(
        _ task: LearningTask, _ architecture: String, epochs: Int, batch: Int, seed: UInt64 = 1, observed: Bool = true
    ) throws -> (ResolvedArchitecture, TrainingRecord, Target) {
        let run = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: architecture),
            configuration: TrainingConfiguration(
                optimizer: .adam(learningRate: 0.05), epochs: epochs, batchSize: batch, seed: seed,
                observation: observed ? TrainingObservation(histogramEpochs: 4) : nil))
        return (run.network.architecture, run.run(), run.target)
    }

    /// The SVG inside the page whose title is `title`.
    static func chart(_ page: Node, _ title: String) throws -> Node {
        try #require(page.elements("svg").first { $0.elements("title").first?.text == title }, "no chart '\(title)'")
    }

    /// Checks that the polylines labelled `label` in `chart` draw `expected`, point for point,
    /// within what writing positions to 1/100 pixel allows.
    static func expectDrawn(_ chart: Node, _ label: String, _ expected: [(x: Double, y: Double)]) throws {
        let area = try #require(chart.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x")), y = try #require(DrawnAxis(area, axis: "y"))
        let drawn = chart.elements("polyline").filter { $0.attributes["data-label"] == label }.flatMap { $0.numbers("points") }
        try #require(drawn.count == 2 * expected.count, "\(label): \(drawn.count / 2) points drawn, \(expected.count) expected")
        for (index, point) in expected.enumerated() {
            #expect(Swift.abs(x.value(drawn[2 * index]) - point.x) <= x.tolerance(at: point.x))
            #expect(Swift.abs(y.value(drawn[2 * index + 1]) - point.y) <= y.tolerance(at: point.y), "\(label) epoch \(point.x)")
        }
    }

    @Test func theCurvesAreTheRecordsNumbersWithTheKnownAnswers() throws {
        let task = try Generators.blobs(sizes: SplitSizes(train: 60, validation: 30, test: 30))
        let (architecture, record, target) = try Self.train(task, "dense(6) relu dense(3)", epochs: 6, batch: 20)
        let html = TrainingReport(task: task, architecture: architecture, target: target, records: [record]).html
        let page = try Markup.selfContained(html)
        let loss = try Self.chart(page, "loss (softmax_ce)")
        try Self.expectDrawn(loss, "train", record.epochs.map { (Double($0.epoch), $0.train.loss) })
        try Self.expectDrawn(loss, "valid", record.epochs.map { (Double($0.epoch), $0.validation.loss) })
        let accuracy = try Self.chart(page, "accuracy")
        try Self.expectDrawn(accuracy, "test", record.epochs.map { (Double($0.epoch), $0.test.accuracy!) })
        let references = accuracy.elements("line").filter { $0.attributes["class"] == "reference" }
        let bayes = try #require(references.first { $0.attributes["data-label"]?.hasPrefix("Bayes accuracy") == true })
        #expect(Double(bayes.attributes["data-value"] ?? "") == task.answer.bayesAccuracy)
        #expect(references.contains { $0.attributes["data-label"]?.hasPrefix("target") == true && Double($0.attributes["data-value"] ?? "") == target.value })
        let initial = try #require(loss.elements("line").first { $0.attributes["data-label"]?.hasPrefix("loss at initialisation") == true })
        #expect(Double(initial.attributes["data-value"] ?? "") == task.expectedInitialLoss)
    }

    @Test func layersShowNormsMeanGradientsRatiosHistogramsAndMatrices() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let (architecture, record, target) = try Self.train(task, "dense(5) relu dense(1)", epochs: 8, batch: 2)
        let page = try Markup.selfContained(TrainingReport(task: task, architecture: architecture, target: target, records: [record]).html)
        try Self.expectDrawn(try Self.chart(page, "weight norm ‖w‖₂"), "0.weight", record.epochs.map { (Double($0.epoch), $0.parameters[0].weightNorm) })
        try Self.expectDrawn(
            try Self.chart(page, "gradient norm, mean over the epoch's steps"), "2.weight",
            record.epochs.dropFirst().map { (Double($0.epoch), $0.parameters[2].meanGradientNorm!) })
        let ratios = try Self.chart(page, "update-to-weight ratio at the epoch's last step")
        try Self.expectDrawn(ratios, "0.bias", record.epochs.dropFirst().map { (Double($0.epoch), $0.parameters[1].updateRatio!) })
        #expect(ratios.elements("line").contains { $0.attributes["class"] == "reference" && $0.attributes["data-value"] == "0.001" })
        // Histograms every ⌈8/4⌉ = 2nd epoch: 0, 2, 4, 6, 8; gradients from the first trained one.
        let ridges = try Self.chart(page, "0.weight weights").elements("path").compactMap { $0.attributes["data-label"] }
        #expect(ridges == ["epoch 0", "epoch 2", "epoch 4", "epoch 6", "epoch 8"])
        #expect(try Self.chart(page, "0.weight gradients (last step)").elements("path").count == 4)
        // The output's single bias has no spread: no histogram.
        #expect(!page.elements("svg").contains { $0.elements("title").first?.text == "2.bias weights" })
        // The weight matrices at the first and last epoch: the snapshot's values, one colour scale.
        let snapshots = try #require(record.snapshots)
        for snapshot in [snapshots.first!, snapshots.last!] {
            let heatmap = try Self.chart(page, "0.weight, epoch \(snapshot.epoch)")
            let cells = try #require(heatmap.elements("image").first { $0.attributes["class"] == "cells" })
            #expect(cells.attributes["data-rows"] == "2" && cells.attributes["data-columns"] == "5")
            let png = try DecodedPNG(dataURI: try #require(cells.attributes["href"]))
            let magnitude = (snapshots.first!.tensors[0].values + snapshots.last!.tensors[0].values).map(Swift.abs).max()!
            let map = Heatmap(title: "", rows: 2, columns: 5, values: snapshot.tensors[0].values, rowLabel: "", columnLabel: "", range: -magnitude...magnitude)
            for (index, value) in snapshot.tensors[0].values.enumerated() {
                let colour = map.colour(value)
                #expect(png.pixels[index] == [colour.red, colour.green, colour.blue])
            }
        }
        try Self.expectDrawn(
            try Self.chart(page, "dead ReLU units"), "1.relu", record.epochs.map { (Double($0.epoch), $0.activations![0].deadFraction!) })
    }

    @Test func theDecisionRegionsAreTheTrainedModelsClasses() throws {
        let task = try Generators.blobs(sizes: SplitSizes(train: 60, validation: 30, test: 30))
        let run = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: "dense(3)"),
            configuration: TrainingConfiguration(optimizer: .adam(learningRate: 0.05), epochs: 5, batchSize: 20, seed: 1, observation: TrainingObservation()))
        let record = run.run()
        let report = TrainingReport(task: task, architecture: run.network.architecture, target: run.target, records: [record])
        let scatter = try Self.chart(try Markup.selfContained(report.html), "blobs: training samples and decision regions")
        #expect(scatter.all.filter { $0.attributes["class"] == "series-point" }.count == 60)
        // The model rebuilt in Double from the last snapshot predicts the class the trained Float
        // network does, for every sample whose two largest Float logits are not within Float's
        // rounding of each other (1e-4: a few hundred ulps of logits of order 1).
        let model = try #require(report.trainedModel)
        let outputs = model.predict(task.train.inputs, count: task.train.count)
        let float = run.network.forward(Tensor(shape: [task.train.count, 2], scalars: task.train.inputs.map { Float($0) })).scalars.map { Double($0) }
        var compared = 0
        for sample in 0..<task.train.count {
            let logits = float[3 * sample..<3 * sample + 3].sorted()
            guard logits[2] - logits[1] > 1e-4 else { continue }
            compared += 1
            #expect(TrainingReport.predictedClass(outputs[3 * sample..<3 * sample + 3]) == TrainingReport.predictedClass(float[3 * sample..<3 * sample + 3]))
        }
        #expect(compared >= 50)
        let png = try DecodedPNG(dataURI: try #require(scatter.elements("image").first { $0.attributes["class"] == "background" }?.attributes["href"]))
        #expect(png.width == 120 && Set(png.pixels).count >= 2)
    }

    @Test func recurrentLayersGetTheirMatricesAndTokensNoDecisionRegions() throws {
        // Parity of 2 bits has two inputs, but as tokens: the model is defined on 0 and 1 alone,
        // so the data is drawn without the regions a real-valued input would give.
        let task = try Generators.parity(bits: 2)
        let (architecture, record, target) = try Self.train(task, "embedding(2, 4) gru(8, sequence: false) dense(1)", epochs: 4, batch: 2)
        let page = try Markup.selfContained(TrainingReport(task: task, architecture: architecture, target: target, records: [record]).html)
        let scatter = try Self.chart(page, "parity: training samples")
        #expect(!scatter.elements("image").contains { $0.attributes["class"] == "background" })
        #expect(page.allText.contains("The inputs are token indices"))
        // Each weight matrix at the first and last epoch, its axes named for its layer.
        let last = try #require(record.snapshots?.last?.epoch)
        for (name, rows, columns) in [("0.weight", "token", "dimension"), ("1.weight_ih", "gate·unit", "input"), ("1.weight_hh", "gate·unit", "unit")] {
            for epoch in [0, last] {
                let texts = try Self.chart(page, "\(name), epoch \(epoch)").elements("text").map(\.allText)
                #expect(texts.contains(rows) && texts.contains(columns), "\(name): \(texts)")
            }
        }
        #expect(!page.elements("svg").contains { $0.elements("title").first?.text.hasPrefix("1.bias_ih, epoch") == true })
        // A bias is dashed in its weight's colour: bias_ih with weight_ih, bias_hh with weight_hh.
        let norms = try Self.chart(page, "weight norm ‖w‖₂").elements("polyline")
        func style(_ label: String) throws -> (String?, Bool) {
            let line = try #require(norms.first { $0.attributes["data-label"] == label })
            return (line.attributes["stroke"], line.attributes["stroke-dasharray"] != nil)
        }
        let (weightIH, weightHH, biasIH, biasHH) = (try style("1.weight_ih"), try style("1.weight_hh"), try style("1.bias_ih"), try style("1.bias_hh"))
        #expect(biasIH == (weightIH.0, true) && biasHH == (weightHH.0, true))
        #expect(weightIH.0 != weightHH.0 && !weightIH.1 && !weightHH.1)
    }

    /// The gradient through time says on the chart what a log axis leaves out: the steps whose
    /// norm is exactly 0 (in the legend), which step the last norms are from when the run
    /// diverged, and lines that coincide (the dashed initial one drawn over the other); the band
    /// is written as the warnings write it (`1.68e+07`, not `16777216`).
    @Test func theGradientThroughTimeSaysWhatALogAxisCannotDraw() throws {
        let task = try Generators.parity(bits: 4)
        let (architecture, trained, target) = try Self.train(task, "embedding(2, 4) rnn(4, sequence: false) dense(1)", epochs: 1, batch: 8)
        func page(_ record: TrainingRecord) throws -> Node {
            try Markup.selfContained(TrainingReport(task: task, architecture: architecture, target: target, records: [record]).html)
        }
        let title = "layer 1 (rnn(4, sequence: false)): gradient through time"
        var record = trained
        try #require(record.timeStepGradients?.first?.layer == 1)
        let healthy = try page(record)
        #expect(healthy.allText.contains("healthy within [5.96e-08, 1.68e+07]") && !healthy.allText.contains("16777216"))
        #expect(try Self.chart(healthy, title).elements("text").contains { $0.allText == "after training (epoch 1, last step)" })

        record.outcome = .diverged(epoch: 1, step: 2, loss: "nan")
        record.timeStepGradients![0].final = [0, 0, 1e-3, 1]
        record.timeStepGradients![0].initial = record.timeStepGradients![0].final
        record.timeStepGradients![0].finalStep = 1
        let diverged = try page(record)
        let chart = try Self.chart(diverged, title)
        let legend = chart.elements("text").map(\.allText)
        #expect(legend.contains("last finite step (epoch 1, step 1) = initialisation; 0 at t = 0–1, not drawn"), "\(legend)")
        #expect(legend.contains("at initialisation (first step); 0 at t = 0–1, not drawn"), "\(legend)")
        let lines = chart.elements("polyline").filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-label"] ?? "" }
        #expect(lines.last?.hasPrefix("at initialisation") == true, "the dashed line is drawn last, on top: \(lines)")
        #expect(diverged.allText.contains("No verdict: the loss diverged (epoch 1, step 2)") && diverged.allText.contains("The two lines coincide"))
    }

    @Test func anUnobservedRunStillGetsItsCurvesAndSaysWhatIsMissing() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let (architecture, record, target) = try Self.train(task, "dense(4) tanh dense(1)", epochs: 3, batch: 4, observed: false)
        let page = try Markup.selfContained(TrainingReport(task: task, architecture: architecture, target: target, records: [record]).html)
        #expect(page.elements("svg").contains { $0.elements("title").first?.text == "gradient norm at the epoch's last step" })
        #expect(!page.all.contains { $0.attributes["id"] == "activations" || $0.attributes["id"] == "histograms" })
        #expect(page.allText.contains("no decision regions"))
    }

    @Test func severalSeedsGetTheirMean() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let records = try [1, 2].map { try Self.train(task, "dense(4) tanh dense(1)", epochs: 3, batch: 4, seed: $0) }
        let page = try Markup.selfContained(
            TrainingReport(task: task, architecture: records[0].0, target: records[0].2, records: records.map(\.1)).html)
        let loss = try Self.chart(page, "loss (bce_logits)")
        try Self.expectDrawn(loss, "train mean", (0...3).map { epoch in
            (Double(epoch), (records[0].1.epochs[epoch].train.loss + records[1].1.epochs[epoch].train.loss) / 2)
        })
        try Self.expectDrawn(loss, "train seed 2", records[1].1.epochs.map { (Double($0.epoch), $0.train.loss) })
    }

    @Test func theBaselinesMeanCurveIsDrawnUnderTheRuns() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let (architecture, record, target) = try Self.train(task, "dense(4) tanh dense(1)", epochs: 3, batch: 4, seed: 1)
        // A baseline of two seeds that ran 2 and 4 epochs: the mean at epochs 3 and 4 is the longer seed's alone.
        let baseline = try [(2, 2), (3, 4)].map { seed, epochs in
            SeedResult(try Self.train(task, "dense(4) tanh dense(1)", epochs: epochs, batch: 4, seed: UInt64(seed), observed: false).1).curve
        }
        var report = TrainingReport(task: task, architecture: architecture, target: target, records: [record])
        report.baseline = baseline
        let page = try Markup.selfContained(report.html)
        let label = "baseline \(target.split.rawValue) mean"
        func mean(_ value: (CurvePoint) -> Double) -> [(x: Double, y: Double)] {
            (0...4).map { epoch in
                let values = baseline.filter { $0.count > epoch }.map { value($0[epoch]) }
                return (Double(epoch), values.reduce(0, +) / Double(values.count))
            }
        }
        let loss = try Self.chart(page, "loss (bce_logits)")
        try Self.expectDrawn(loss, label, mean { $0[target.split].loss })
        let line = try #require(loss.elements("polyline").first { $0.attributes["data-label"] == label })
        #expect(line.attributes["stroke"] == "#444444" && line.attributes["stroke-dasharray"] != nil)
        try Self.expectDrawn(try Self.chart(page, "accuracy"), label, mean { $0[target.split].accuracy! })
        #expect(page.allText.contains("Grey and dashed: the baseline's mean over its 2 seeds"))
    }
}
