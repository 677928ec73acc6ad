import NNBenchEngine

extension TrainingReport {
    /// The most ridges a ridgeline chart gets: epochs are thinned evenly beyond it, keeping the
    /// first and the last.
    static let maximumRidges = 12

    /// Each parameter tensor over the epochs (of the first seed): norms, update ratios,
    /// histograms, and the weight matrices at the first and last epoch.
    var layersSection: HTMLPage.Section {
        let record = records[0]
        let names = record.epochs[0].parameters.map(\.name)
        let trained = record.epochs.dropFirst()
        let observed = trained.contains { $0.parameters.contains { $0.meanGradientNorm != nil } }
        let styles = Self.lineStyles(names)
        func series(_ value: (ParameterStatistics) -> Double?, from epochs: some Sequence<EpochRecord>) -> [LineChart.Series] {
            names.enumerated().map { index, name in
                LineChart.Series(
                    label: name, points: epochs.map { epoch in (Double(epoch.epoch), value(epoch.parameters[index]) ?? .nan) },
                    colour: Palette.category(styles[index].colour), dashed: styles[index].dashed)
            }
        }
        let norms = LineChart(
            title: "weight norm ‖w‖₂", xLabel: Self.epochLabel, yLabel: "L2 norm", series: series({ $0.weightNorm }, from: record.epochs))
        let gradients = LineChart(
            title: observed ? "gradient norm, mean over the epoch's steps" : "gradient norm at the epoch's last step",
            xLabel: Self.epochLabel, yLabel: "L2 norm (log scale)", yScale: .log,
            series: series({ observed ? $0.meanGradientNorm : $0.gradientNorm }, from: trained))
        let ratios = LineChart(
            title: "update-to-weight ratio at the epoch's last step", xLabel: Self.epochLabel, yLabel: "‖Δw‖ / ‖w‖ (log scale)", yScale: .log,
            series: series({ $0.updateRatio }, from: trained), references: [.init("10⁻³ rule of thumb", value: 1e-3)])
        var body = HTML.figures([
            (withEpochsFromZero(norms).svg(), "Each tensor's L2 norm after each epoch; biases dashed."),
            (withEpochsFromZero(gradients).svg(), observed
                ? "The L2 norm of the gradient (after clipping) at every step of the epoch, averaged over the epoch's steps."
                : "Only the last step's gradient is recorded for a run that was not observed."),
            (withEpochsFromZero(ratios).svg(), "‖w_after − w_before‖ / ‖w_before‖ over the epoch's last step; about 10⁻³ is the usual healthy rate."),
        ])
        if records.count > 1 { body += HTML.paragraph("Per-layer charts show seed \(record.seed), the first.", note: true) }
        var children: [HTMLPage.Section] = []
        if let histograms = histogramSection(record) { children.append(histograms) }
        if let matrices = matrixSection(record) { children.append(matrices) }
        return HTMLPage.Section(id: idPrefix + "layers", heading: "Layers", body: body, children: children)
    }

    /// Each tensor's line style: one colour for a weight and its bias (`0.weight` and `0.bias`,
    /// `1.weight_ih` and `1.bias_ih`), in the order they first appear, the bias dashed.
    static func lineStyles(_ names: [String]) -> [(colour: Int, dashed: Bool)] {
        var groups: [String] = []
        return names.map { name in
            let dot = name.lastIndex(of: ".") ?? name.startIndex
            let tensor = name[dot...].dropFirst()
            let bias = tensor.hasPrefix("bias")
            let group = String(name[..<dot]) + "." + (bias ? "weight" + tensor.dropFirst(4) : String(tensor))
            if !groups.contains(group) { groups.append(group) }
            return (groups.firstIndex(of: group)!, bias)
        }
    }

    /// Weight and gradient histograms of each tensor with more than one value (a single bias has
    /// no spread to show), over the epochs that have them.
    private func histogramSection(_ record: TrainingRecord) -> HTMLPage.Section? {
        var figures: [(svg: String, caption: String?)] = []
        for (index, name) in record.epochs[0].parameters.map(\.name).enumerated()
        where (record.epochs[0].parameters[index].weightHistogram?.total ?? 0) > 1 {
            let weights = Self.ridges(record.epochs.compactMap { epoch in epoch.parameters[index].weightHistogram.map { (epoch.epoch, $0) } })
            let gradients = Self.ridges(record.epochs.compactMap { epoch in epoch.parameters[index].gradientHistogram.map { (epoch.epoch, $0) } })
            if !weights.isEmpty { figures.append((Ridgeline(title: "\(name) weights", valueLabel: "weight value", ridges: weights).svg(), nil)) }
            if !gradients.isEmpty {
                figures.append((Ridgeline(title: "\(name) gradients (last step)", valueLabel: "gradient value", ridges: gradients).svg(), nil))
            }
        }
        guard !figures.isEmpty else { return nil }
        return HTMLPage.Section(
            id: idPrefix + "histograms", heading: "Weight and gradient histograms",
            body: HTML.paragraph(
                "One histogram per recorded epoch, oldest at the top, each scaled to its own tallest bin; the gradient is the epoch's last step's.",
                note: true) + HTML.figures(figures))
    }

    /// Ridges from histograms by epoch, thinned to ``maximumRidges``.
    static func ridges(_ histograms: [(Int, Histogram)]) -> [Ridgeline.Ridge] {
        thinned(histograms, to: maximumRidges).map { epoch, histogram in
            Ridgeline.Ridge(label: "epoch \(epoch)", lower: histogram.lower, upper: histogram.upper, counts: histogram.counts)
        }
    }

    /// At most `limit` of `items`, evenly spaced, the first and last among them.
    static func thinned<Item>(_ items: [Item], to limit: Int) -> [Item] {
        guard items.count > limit, limit >= 2 else { return items }
        let picks = (0..<limit).map { Int((Double($0) * Double(items.count - 1) / Double(limit - 1)).rounded()) }
        return picks.map { items[$0] }
    }

    /// Each dense layer's weight matrix, and each convolution's filters, at the first and last
    /// snapshot, on one colour range per tensor so that the two compare.
    private func matrixSection(_ record: TrainingRecord) -> HTMLPage.Section? {
        guard let snapshots = record.snapshots, let first = snapshots.first, let last = snapshots.last, snapshots.count >= 2 else { return nil }
        var figures: [(svg: String, caption: String?)] = []
        for (before, after) in zip(first.tensors, last.tensors) {
            guard let axes = matrixAxes(before.name) else { continue }
            let magnitude = (before.values + after.values).filter(\.isFinite).map(Swift.abs).max() ?? 1
            let range = -Swift.max(magnitude, 1e-12)...Swift.max(magnitude, 1e-12)
            for (snapshot, values) in [(first, before), (last, after)] {
                switch values.shape.count {
                case 2:
                    let heatmap = Heatmap(
                        title: "\(values.name), epoch \(snapshot.epoch)", rows: values.shape[0], columns: values.shape[1], values: values.values,
                        rowLabel: axes.rows, columnLabel: axes.columns, range: range)
                    figures.append((heatmap.svg(), nil))
                case 4:
                    figures.append((filters(values, epoch: snapshot.epoch, range: range).svg(), nil))
                default:
                    break
                }
            }
        }
        guard !figures.isEmpty else { return nil }
        return HTMLPage.Section(
            id: idPrefix + "matrices", heading: "Weight matrices, epoch \(first.epoch) and epoch \(last.epoch)",
            body: HTML.paragraph(
                "Dense weights are [input, unit], embeddings [token, dimension], recurrent weight_ih [gate·unit, input] and weight_hh "
                    + "[gate·unit, unit] with the gates stacked as PyTorch stacks them (gru: reset, update, new; lstm: input, forget, cell, output); "
                    + "blue negative, red positive, white zero, one colour scale per tensor for both epochs. "
                    + "Convolution filters show each (filter, input channel) kernel.", note: true) + HTML.figures(figures))
    }

    /// The axes of a weight tensor drawn as a heatmap (rows, columns), from the layer that owns
    /// it; `nil` for a tensor that is not drawn (biases, batchnorm's scale).
    private func matrixAxes(_ name: String) -> (rows: String, columns: String)? {
        guard let dot = name.lastIndex(of: "."), let index = Int(name[..<dot]),
              let layer = architecture.layers.first(where: { $0.index == index }) else { return nil }
        switch (layer.spec, name[dot...].dropFirst()) {
        case (.dense, "weight"), (.conv2d, "weight"): return ("input", "unit")
        case (.embedding, "weight"): return ("token", "dimension")
        case (.rnn, "weight_ih"), (.lstm, "weight_ih"), (.gru, "weight_ih"): return ("gate·unit", "input")
        case (.rnn, "weight_hh"), (.lstm, "weight_hh"), (.gru, "weight_hh"): return ("gate·unit", "unit")
        default: return nil
        }
    }

    /// A convolution's kernels as images, the first 32 (filter, channel) pairs.
    private func filters(_ values: WeightSnapshot.Values, epoch: Int, range: ClosedRange<Double>) -> ImageGrid {
        let (count, channels, height, width) = (values.shape[0], values.shape[1], values.shape[2], values.shape[3])
        let size = height * width
        var tiles: [ImageGrid.Tile] = []
        for filter in 0..<count {
            for channel in 0..<channels where tiles.count < 32 {
                let start = (filter * channels + channel) * size
                tiles.append(.init(caption: "\(filter).\(channel)", rows: height, columns: width, values: Array(values.values[start..<(start + size)])))
            }
        }
        var grid = ImageGrid(title: "\(values.name), epoch \(epoch)", tiles: tiles, colouring: .diverging)
        grid.range = range
        return grid
    }
}
