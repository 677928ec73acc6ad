import NNBenchDatasets

/// A task's data as one standalone SVG picture, what a teacher puts on a slide
/// (`nnbench show TASK --plot`, `nnbench generate ... --plot`):
///
/// - two inputs and classes: the samples in the plane, one Okabe–Ito colour and one marker per
///   class, each class's count in the legend;
/// - one input and one output (regression): the samples, `y` against `x`;
/// - images `[channels, height, width]`: the first 16 samples (channel 0), captioned with their target;
/// - anything else (more inputs, sequences): the first 32 samples as a heatmap, one row per
///   sample, the input values then the target values across.
///
/// The training report draws its data section from the same pieces (``classGroups(_:classes:)``,
/// ``samplePoints(_:)``, ``imageTiles(_:)``), so both show a dataset alike.
public struct DatasetPlot: Sendable {
    /// The task whose data is drawn.
    public var task: LearningTask
    /// Which of its splits, drawn together.
    public var splits: SplitSelection
    /// Words after the task's name in the title, saying how the data was made (`n=1000, seed 7`).
    public var details: String

    /// The most samples the heatmap of a task without a picture of its own shows.
    static let heatmapSamples = 32
    /// The most samples an image grid shows.
    static let imageSamples = 16

    /// Creates the picture of `splits` of `task`.
    public init(task: LearningTask, splits: SplitSelection, details: String = "") {
        self.task = task
        self.splits = splits
        self.details = details
    }

    /// The samples drawn, in export order (train, valid, test).
    var data: [Split] {
        splits.names.map { name in
            switch name {
            case .train: task.train
            case .validation: task.validation
            case .test: task.test
            }
        }
    }

    /// The title: the task, `details`, the split and the number of samples.
    var title: String {
        let count = data.reduce(0) { $0 + $1.count }
        let which = splits == .all ? "all splits" : "\(splits) split"
        return "\(task.name)\(details.isEmpty ? "" : " (\(details))"): \(which), \(count) samples"
    }

    /// The picture as a standalone SVG file: XML declaration, no external reference, text as text.
    public var svg: String {
        let title = self.title, data = self.data
        // Titles are 13-pixel bold text, about 7.5 pixels a character.
        let titleWidth = Double(title.count) * 7.5 + 20
        switch (task.inputShape.count, task.kind) {
        case (1, .binary) where task.inputShape[0] == 2, (1, .multiclass) where task.inputShape[0] == 2:
            let plot = ScatterPlot(
                title: title, xLabel: "x0", yLabel: "x1", groups: Self.classGroups(data, classes: Self.classes(of: task.kind)),
                side: Swift.max(360, titleWidth - 78))
            return plot.svg(standalone: true)
        case (1, .regression(outputs: 1)) where task.inputShape[0] == 1:
            let chart = LineChart(
                title: title, xLabel: "x", yLabel: "y",
                series: [.points("samples (\(data.reduce(0) { $0 + $1.count }))", Self.samplePoints(data), colour: Palette.category(0), marker: .of(0))],
                width: Swift.max(460, titleWidth), plotHeight: 260)
            return chart.svg(standalone: true)
        case (3, _):
            let channels = task.inputShape[0]
            let tiles = Self.imageTiles(data)
            let grid = ImageGrid(title: title + (channels > 1 ? ", channel 0" : "") + Self.firstOf(tiles.count, data), tiles: tiles)
            return grid.svg(standalone: true)
        default:
            let samples = Array(data.lazy.flatMap { split in (0..<split.count).lazy.map { (split, $0) } }.prefix(Self.heatmapSamples))
            let inputWidth = task.inputShape.reduce(1, *), targetWidth = data[0].targetWidth
            let values = samples.flatMap { split, index in Array(split.input(index)) + Array(split.target(index)) }
            let negative = values.contains { $0 < 0 }
            let columns = inputWidth + targetWidth
            let map = Heatmap(
                title: title + Self.firstOf(samples.count, data), rows: Swift.max(samples.count, 1), columns: columns,
                values: values.isEmpty ? [Double](repeating: 0, count: columns) : values, rowLabel: "sample",
                columnLabel: "inputs 0–\(inputWidth - 1), then target\(targetWidth > 1 ? "s" : "") (column\(targetWidth > 1 ? "s" : "") \(inputWidth)\(targetWidth > 1 ? "–\(columns - 1)" : ""))",
                colouring: negative ? .diverging : .sequential)
            return map.svg(standalone: true)
        }
    }

    /// `, the first 16` when `shown` is fewer than the samples, else nothing.
    static func firstOf(_ shown: Int, _ data: [Split]) -> String {
        shown < data.reduce(0) { $0 + $1.count } ? ", the first \(shown)" : ""
    }

    /// The number of classes of a classification task: 2 for binary.
    static func classes(of kind: TaskKind) -> Int {
        kind.outputWidth == 1 ? 2 : kind.outputWidth
    }

    /// The class a target stands for: a binary target's value, a class index.
    static func label(_ target: ArraySlice<Double>) -> Int {
        Int((target.first ?? 0).rounded())
    }

    /// The samples of two-input classification data by class, `class k (count)` in the legend.
    static func classGroups(_ data: [Split], classes: Int) -> [ScatterPlot.Group] {
        var points = [[(x: Double, y: Double)]](repeating: [], count: classes)
        for split in data {
            for index in 0..<split.count {
                let label = label(split.target(index)), input = split.input(index)
                guard points.indices.contains(label) else { continue }
                points[label].append((input[input.startIndex], input[input.startIndex + 1]))
            }
        }
        return points.enumerated().map { ScatterPlot.Group(label: "class \($0.offset) (\($0.element.count))", points: $0.element) }
    }

    /// The samples of one-input, one-output data as `(x, y)`.
    static func samplePoints(_ data: [Split]) -> [(x: Double, y: Double)] {
        data.flatMap { split in (0..<split.count).map { (split.input($0).first!, split.target($0).first!) } }
    }

    /// The first ``imageSamples`` images (channel 0), captioned with their target.
    static func imageTiles(_ data: [Split]) -> [ImageGrid.Tile] {
        let samples = data.lazy.flatMap { split in (0..<split.count).lazy.map { (split, $0) } }.prefix(imageSamples)
        return samples.map { split, index in
            let (height, width) = (split.inputShape[1], split.inputShape[2])
            return ImageGrid.Tile(
                caption: "target \(number(split.target(index).first ?? 0))", rows: height, columns: width,
                values: Array(split.input(index).prefix(height * width)))
        }
    }
}
