/// Curves against a common x axis: learning curves, norms over epochs, a model's output against
/// its input. Each series is a polyline (or points); reference lines mark known values.
///
/// A series with a value that cannot be drawn (NaN, infinite, or not positive on a log axis) is
/// broken there rather than joined across the gap. The axes' domains cover every series and
/// reference line, widened to round numbers (``Scale``).
public struct LineChart: Sendable {
    /// One curve.
    public struct Series: Sendable {
        /// Its name in the legend and in the SVG's `data-label`.
        public var label: String
        /// The points, in the order they are joined.
        public var points: [(x: Double, y: Double)]
        /// Its colour.
        public var colour: Colour
        /// The line's width in pixels.
        public var width: Double
        /// Drawn dashed (a baseline, a reference run).
        public var dashed: Bool
        /// Between 0 and 1; thin, faint lines for individual seeds under their mean.
        public var opacity: Double
        /// Points only, no line (a dataset's samples), with this marker.
        var marker: Marker?
        /// Whether it has an entry in the legend.
        public var inLegend: Bool

        /// Creates a series.
        public init(
            label: String, points: [(x: Double, y: Double)], colour: Colour, width: Double = 1.75, dashed: Bool = false,
            opacity: Double = 1, inLegend: Bool = true
        ) {
            self.label = label
            self.points = points
            self.colour = colour
            self.width = width
            self.dashed = dashed
            self.opacity = opacity
            self.inLegend = inLegend
        }

        /// A series drawn as points of `marker`'s shape.
        static func points(_ label: String, _ points: [(x: Double, y: Double)], colour: Colour, marker: Marker) -> Series {
            var series = Series(label: label, points: points, colour: colour)
            series.marker = marker
            return series
        }
    }

    /// A known value drawn across the chart: a target, the Bayes accuracy, a rule of thumb.
    public struct Reference: Sendable {
        /// Which axis the value is on.
        public enum Axis: Sendable {
            /// A horizontal line at a y value.
            case y
            /// A vertical line at an x value.
            case x
        }

        /// Its label, written at the line's end.
        public var label: String
        /// The axis.
        public var axis: Axis
        /// The value.
        public var value: Double
        /// Its colour (grey by default).
        public var colour: Colour

        /// Creates a reference line.
        public init(_ label: String, axis: Axis = .y, value: Double, colour: Colour = Colour(hex: 0x777777)) {
            self.label = label
            self.axis = axis
            self.value = value
            self.colour = colour
        }
    }

    /// The title.
    public var title: String
    /// The x axis's label, with its unit.
    public var xLabel: String
    /// The y axis's label, with its unit.
    public var yLabel: String
    /// Linear or logarithmic y.
    public var yScale: ScaleKind
    /// Linear or logarithmic x (training-set sizes, learning rates).
    public var xScale: ScaleKind
    /// The curves, drawn in order (later on top).
    public var series: [Series]
    /// The reference lines, drawn under the curves.
    public var references: [Reference]
    /// The width in pixels.
    public var width: Double
    /// The plot area's height in pixels (the picture adds its margins and legend).
    public var plotHeight: Double
    /// Whether the x axis includes 0 (epochs start there).
    var xFromZero = false

    /// Creates a chart.
    public init(
        title: String, xLabel: String, yLabel: String, yScale: ScaleKind = .linear, xScale: ScaleKind = .linear, series: [Series] = [],
        references: [Reference] = [], width: Double = 460, plotHeight: Double = 220
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yScale = yScale
        self.xScale = xScale
        self.series = series
        self.references = references
        self.width = width
        self.plotHeight = plotHeight
    }

    /// The chart as SVG.
    ///
    /// - Parameter standalone: With the XML declaration, for a file of its own.
    public func svg(standalone: Bool = false) -> String {
        let legend = series.filter(\.inLegend).map { LegendItem(label: $0.label, colour: $0.colour, dashed: $0.dashed, marker: $0.marker) }
        let (area, height) = PlotArea.chart(width: width, plotHeight: plotHeight, legendRows: PlotArea.legendRows(legend, width: width - 78))
        var xs = series.flatMap { $0.points.map(\.x) } + references.filter { $0.axis == .x }.map(\.value)
        if xFromZero { xs.append(0) }
        let ys = series.flatMap { $0.points.map(\.y) } + references.filter { $0.axis == .y }.map(\.value)
        let x = Scale.fitting(xs, kind: xScale, start: area.left, end: area.right)
        let y = Scale.fitting(ys, kind: yScale, start: area.bottom, end: area.top)
        var canvas = SVGCanvas(width: width, height: height, title: title, kind: "line")
        canvas.drawTitle(title)
        canvas.drawAxes(area, x: x, y: y, xLabel: xLabel, yLabel: yLabel)
        // A label closer than a line of text to one already placed at the right goes to the left.
        // The y lines first, so that an x line's label can keep clear of theirs.
        var rightLabels: [Double] = []
        for reference in references.filter({ $0.axis == .y }) + references.filter({ $0.axis == .x }) {
            switch reference.axis {
            case .y where y.accepts(reference.value):
                let position = y.position(reference.value)
                canvas.line(area.left, position, area.right, position, colour: reference.colour, width: 1.25, dashed: true, extra: [
                    ("class", "reference"), ("data-label", reference.label), ("data-value", "\(reference.value)"),
                ])
                if rightLabels.contains(where: { Swift.abs($0 - position) < 12 }) {
                    canvas.text(reference.label, x: area.left + 3, y: position - 3, size: 10, colour: reference.colour)
                } else {
                    canvas.text(reference.label, x: area.right - 3, y: position - 3, anchor: .end, size: 10, colour: reference.colour)
                    rightLabels.append(position)
                }
            case .x where x.accepts(reference.value):
                let position = x.position(reference.value)
                canvas.line(position, area.top, position, area.bottom, colour: reference.colour, width: 1.25, dashed: true, extra: [
                    ("class", "reference"), ("data-label", reference.label), ("data-value", "\(reference.value)"),
                ])
                // Past the middle, the label reads leftwards from the line, so that it is not cut at
                // the edge; at the bottom when a y line's label is at the top.
                let labelY = rightLabels.contains(where: { Swift.abs($0 - (area.top + 10)) < 14 }) ? area.bottom - 4 : area.top + 10
                if position > (area.left + area.right) / 2 {
                    canvas.text(reference.label, x: position - 3, y: labelY, anchor: .end, size: 10, colour: reference.colour)
                } else {
                    canvas.text(reference.label, x: position + 3, y: labelY, size: 10, colour: reference.colour)
                }
            default:
                break
            }
        }
        for series in series {
            draw(series, on: &canvas, x: x, y: y)
        }
        canvas.drawLegend(legend, area: area)
        return canvas.rendered(standalone: standalone)
    }

    /// A series as polylines between the points that can be drawn, a lone drawable point as a
    /// dot; or as markers.
    private func draw(_ series: Series, on canvas: inout SVGCanvas, x: Scale, y: Scale) {
        let opacity = series.opacity < 1 ? XMLText.number(series.opacity) : nil
        if let marker = series.marker {
            for point in series.points where x.accepts(point.x) && y.accepts(point.y) {
                canvas.marker(marker, x: x.position(point.x), y: y.position(point.y), size: 5, colour: series.colour, extra: [
                    ("class", "series-point"), ("data-label", series.label), ("fill-opacity", opacity),
                ])
            }
            return
        }
        var segment: [(Double, Double)] = []
        func flush() {
            defer { segment = [] }
            if segment.count == 1 {
                canvas.element("circle", [
                    ("class", "series-point"), ("data-label", series.label), ("cx", XMLText.number(segment[0].0)),
                    ("cy", XMLText.number(segment[0].1)), ("r", XMLText.number(series.width + 0.5)), ("fill", series.colour.hex),
                    ("fill-opacity", opacity),
                ])
            } else if segment.count > 1 {
                canvas.element("polyline", [
                    ("class", "series"), ("data-label", series.label),
                    ("points", segment.map { XMLText.number($0.0) + "," + XMLText.number($0.1) }.joined(separator: " ")),
                    ("fill", "none"), ("stroke", series.colour.hex), ("stroke-width", XMLText.number(series.width)),
                    ("stroke-opacity", opacity), ("stroke-dasharray", series.dashed ? "6 4" : nil), ("stroke-linejoin", "round"),
                ])
            }
        }
        for point in series.points {
            if x.accepts(point.x) && y.accepts(point.y) {
                segment.append((x.position(point.x), y.position(point.y)))
            } else {
                flush()
            }
        }
        flush()
    }
}
