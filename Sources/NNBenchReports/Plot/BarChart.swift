/// Horizontal bars, one per named part (a layer, a parameter), on a linear or log value axis, with
/// reference lines: how far each part of a model is from its bound. A bar with a bound of its own
/// gets a black tick across its row at the bound.
public struct BarChart: Sendable {
    /// One bar.
    public struct Bar: Sendable {
        /// The part's name, written left of the bar.
        public var label: String
        /// The bar's length.
        public var value: Double
        /// Its colour.
        public var colour: Colour
        /// This bar's own bound, drawn as a tick across its row, when bars have different ones.
        public var bound: Double?

        /// Creates a bar.
        public init(label: String, value: Double, colour: Colour, bound: Double? = nil) {
            self.label = label
            self.value = value
            self.colour = colour
            self.bound = bound
        }
    }

    /// The title.
    public var title: String
    /// The value axis's label, with its unit.
    public var valueLabel: String
    /// Linear or logarithmic values.
    public var scale: ScaleKind
    /// The bars, top to bottom.
    public var bars: [Bar]
    /// Vertical lines at known values (a bound).
    public var references: [LineChart.Reference]
    /// The legend's entries (what the colours mean).
    var legend: [LegendItem] = []
    /// The width in pixels.
    public var width: Double

    /// Creates a bar chart.
    public init(title: String, valueLabel: String, scale: ScaleKind = .linear, bars: [Bar], references: [LineChart.Reference] = [], width: Double = 560) {
        self.title = title
        self.valueLabel = valueLabel
        self.scale = scale
        self.bars = bars
        self.references = references
        self.width = width
    }

    /// The chart as SVG. A bar whose value cannot be drawn (zero or less on a log axis, not
    /// finite) gets no bar, and its value written instead.
    public func svg(standalone: Bool = false) -> String {
        let labelWidth = Swift.min(Double(bars.map(\.label.count).max() ?? 0) * SVGCanvas.characterWidth + 12, width * 0.45)
        let rowHeight = 18.0
        let (area, height) = PlotArea.chart(
            width: width, plotHeight: Swift.max(Double(bars.count) * rowHeight, rowHeight), legendRows: PlotArea.legendRows(legend, width: width - 78),
            left: labelWidth + 8)
        let x = Scale.fitting(bars.map(\.value) + bars.compactMap(\.bound) + references.map(\.value), kind: scale, start: area.left, end: area.right)
        var canvas = SVGCanvas(width: width, height: height, title: title, kind: "bar")
        canvas.drawTitle(title)
        for tick in x.ticks {
            let position = x.position(tick)
            canvas.line(position, area.top, position, area.bottom, colour: .grid)
            canvas.text(x.label(tick), x: position, y: area.bottom + 15, anchor: .middle, colour: .axis)
        }
        canvas.line(area.left, area.top, area.left, area.bottom, colour: .axis)
        canvas.line(area.left, area.bottom, area.right, area.bottom, colour: .axis)
        canvas.text(valueLabel, x: (area.left + area.right) / 2, y: area.bottom + 31, anchor: .middle)
        canvas.rect(x: area.left, y: area.top, width: area.width, height: area.height, fill: nil, extra: [
            ("class", "plot-area"), ("data-x-scale", x.kind.rawValue), ("data-x-domain", "\(x.lower) \(x.upper)"),
            ("data-x-range", "\(x.start) \(x.end)"),
        ])
        let origin = scale == .log ? area.left : x.position(Swift.max(x.lower, Swift.min(0, x.upper)))
        for (index, bar) in bars.enumerated() {
            let top = area.top + Double(index) * rowHeight
            canvas.text(bar.label, x: area.left - 6, y: top + rowHeight / 2 + 4, anchor: .end)
            if x.accepts(bar.value) {
                let end = x.position(bar.value)
                canvas.rect(
                    x: Swift.min(origin, end), y: top + 3, width: Swift.abs(end - origin), height: rowHeight - 6, fill: bar.colour,
                    extra: [("class", "bar"), ("data-label", bar.label), ("data-value", "\(bar.value)")])
            } else {
                canvas.text(bar.value == 0 ? "0" : number(bar.value), x: area.left + 4, y: top + rowHeight / 2 + 4, colour: .axis)
            }
            if let bound = bar.bound, x.accepts(bound) {
                let position = x.position(bound)
                canvas.line(position, top + 1, position, top + rowHeight - 1, colour: Colour(hex: 0x222222), width: 2.5, extra: [
                    ("class", "bound"), ("data-label", bar.label), ("data-value", "\(bound)"),
                ])
            }
        }
        for reference in references where x.accepts(reference.value) {
            let position = x.position(reference.value)
            canvas.line(position, area.top - 4, position, area.bottom, colour: reference.colour, width: 1.25, dashed: true, extra: [
                ("class", "reference"), ("data-label", reference.label), ("data-value", "\(reference.value)"),
            ])
            canvas.text(reference.label, x: position + 3, y: area.top - 6, size: 10, colour: reference.colour)
        }
        canvas.drawLegend(legend, area: area)
        return canvas.rendered(standalone: standalone)
    }
}
