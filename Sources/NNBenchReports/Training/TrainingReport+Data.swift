import NNBenchDatasets
import NNBenchEngine

extension TrainingReport {
    /// The data and what the model made of it: for two inputs and classes, the training samples
    /// by class over the trained model's decision regions; for one input and one output, the
    /// samples and the model's curve; for images, a few samples. `nil` for other tasks.
    var dataSection: HTMLPage.Section? {
        let model = takesTokens ? nil : trainedModel
        let train = task.train
        switch (task.inputShape.count, task.kind) {
        case (1, .binary), (1, .multiclass):
            guard task.inputShape[0] == 2 else { return nil }
            let groups = DatasetPlot.classGroups([train], classes: DatasetPlot.classes(of: task.kind))
            let width = task.kind.outputWidth
            var background: (@Sendable ([(x: Double, y: Double)]) -> [Colour])?
            if let model {
                background = { centres in
                    let outputs = model.predict(centres.flatMap { [$0.x, $0.y] }, count: centres.count)
                    return stride(from: 0, to: outputs.count, by: width).map { start in
                        Palette.category(Self.predictedClass(outputs[start..<(start + width)])).mixed(with: .white, 0.72)
                    }
                }
            }
            let plot = ScatterPlot(
                title: "\(task.name): training samples\(takesTokens ? "" : " and decision regions")", xLabel: "x0", yLabel: "x1", groups: groups,
                background: background, backgroundResolution: 120, backgroundLabel: model == nil ? nil : "predicted class (background)")
            let caption = model.map { "The background is the class the model predicts at each point after epoch \($0.epoch)." }
                ?? (takesTokens
                    ? "The inputs are token indices (the model starts with an embedding), so the model predicts nothing between them: no decision regions."
                    : "The run was not observed, so its weights were not kept: no decision regions.")
            return HTMLPage.Section(id: idPrefix + "data", heading: takesTokens ? "Data" : "Data and decision regions", body: HTML.figures([(plot.svg(), caption)]))
        case (1, .regression(outputs: 1)) where task.inputShape[0] == 1:
            var series = [LineChart.Series.points("training samples", DatasetPlot.samplePoints([train]), colour: Palette.category(0), marker: .of(0))]
            if let model {
                let low = train.inputs.min() ?? 0, high = train.inputs.max() ?? 1
                let xs = (0...200).map { low + (high - low) * Double($0) / 200 }
                series.append(.init(label: "model after epoch \(model.epoch)", points: Array(zip(xs, model.predict(xs, count: xs.count)).map { (x: $0, y: $1) }),
                                    colour: Palette.category(3), width: 2.25))
            }
            let chart = LineChart(title: "\(task.name): training samples and the model", xLabel: "x", yLabel: "y", series: series)
            return HTMLPage.Section(id: idPrefix + "data", heading: "Data and the model", body: HTML.figures([(chart.svg(), nil)]))
        case (3, _):
            let channels = task.inputShape[0]
            let tiles = DatasetPlot.imageTiles([train])
            let grid = ImageGrid(title: "\(task.name): the first training samples\(channels > 1 ? " (channel 0)" : "")", tiles: tiles)
            return HTMLPage.Section(id: idPrefix + "data", heading: "Data", body: HTML.figures([(grid.svg(), nil)]))
        default:
            return nil
        }
    }

    /// The class of one sample's outputs: a logit above 0, or the largest logit (the first of equals).
    static func predictedClass(_ outputs: ArraySlice<Double>) -> Int {
        if outputs.count == 1 { return outputs[outputs.startIndex] > 0 ? 1 : 0 }
        var best = outputs.startIndex
        for index in outputs.indices where outputs[index] > outputs[best] { best = index }
        return best - outputs.startIndex
    }

    /// Whether the inputs are token indices (an embedding first): the model is defined on the
    /// data's integers alone, so it has no decision regions or curve to draw between them.
    var takesTokens: Bool {
        if case .embedding = architecture.layers.first?.spec { true } else { false }
    }

    /// The first seed's network as its last snapshot left it, or `nil` when the run kept none.
    var trainedModel: TrainedModel? {
        guard let snapshot = records[0].snapshots?.last else { return nil }
        return TrainedModel(architecture: architecture, loss: task.loss, snapshot: snapshot)
    }
}

/// A network rebuilt from a snapshot, in Double, to draw what it predicts.
struct TrainedModel: Sendable {
    let architecture: ResolvedArchitecture
    let loss: Loss
    let snapshot: WeightSnapshot

    /// The epoch the weights are from.
    var epoch: Int { snapshot.epoch }

    /// The outputs for `count` inputs laid out one after another, in evaluation mode, in batches
    /// the engine's size limits allow (``ResolvedArchitecture/largestBatch``); all NaN when the
    /// snapshot does not fit the architecture.
    func predict(_ inputs: [Double], count: Int) -> [Double] {
        let network = Network<Double>(architecture, loss: loss, seed: 0)
        let width = architecture.outputShape.reduce(1, *)
        guard (try? network.setParameters(snapshot.tensorsByName(Double.self))) != nil else {
            return [Double](repeating: .nan, count: count * width)
        }
        let inputWidth = architecture.inputShape.reduce(1, *), chunk = architecture.largestBatch
        var outputs: [Double] = []
        outputs.reserveCapacity(count * width)
        for start in stride(from: 0, to: count, by: chunk) {
            let size = Swift.min(chunk, count - start)
            let batch = Array(inputs[(start * inputWidth)..<((start + size) * inputWidth)])
            outputs += network.forward(Tensor(shape: [size] + architecture.inputShape, scalars: batch)).scalars
        }
        return outputs
    }
}
