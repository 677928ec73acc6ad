/// Points in the plane, one colour and marker per class, over an optional background computed for
/// every cell of a grid covering the plot: a 2-D dataset, and a model's decision regions.
public struct ScatterPlot: Sendable {
    /// The points of one class.
    public struct Group: Sendable {
        /// The class's name in the legend.
        public var label: String
        /// Its points.
        public var points: [(x: Double, y: Double)]

        /// Creates a group.
        public init(label: String, points: [(x: Double, y: Double)]) {
            self.label = label
            self.points = points
        }
    }

    /// The title.
    public var title: String
    /// The x axis's label.
    public var xLabel: String
    /// The y axis's label.
    public var yLabel: String
    /// The classes, the `i`-th drawn in ``Palette/category(_:)`` `i` with ``Marker/of(_:)`` `i`.
    public var groups: [Group]
    /// The colour behind each of `backgroundResolution × backgroundResolution` cells, given the
    /// cells' centres in data coordinates, row by row from the top; `nil` for none.
    public var background: (@Sendable ([(x: Double, y: Double)]) -> [Colour])?
    /// The background's cells per side.
    public var backgroundResolution: Int
    /// What the background shows, for the legend.
    public var backgroundLabel: String?
    /// The plot area's side in pixels.
    public var side: Double

    /// Creates a scatter plot.
    public init(
        title: String, xLabel: String, yLabel: String, groups: [Group], background: (@Sendable ([(x: Double, y: Double)]) -> [Colour])? = nil,
        backgroundResolution: Int = 100, backgroundLabel: String? = nil, side: Double = 300
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.groups = groups
        self.background = background
        self.backgroundResolution = backgroundResolution
        self.backgroundLabel = backgroundLabel
        self.side = side
    }

    /// The plot as SVG.
    public func svg(standalone: Bool = false) -> String {
        let legend = groups.enumerated().map { LegendItem(label: $0.element.label, colour: Palette.category($0.offset), marker: .of($0.offset)) }
            + (backgroundLabel.map { [LegendItem(label: $0, colour: Palette.category(0).mixed(with: .white, 0.6))] } ?? [])
        let width = side + 78
        let (area, height) = PlotArea.chart(width: width, plotHeight: side, legendRows: PlotArea.legendRows(legend, width: side))
        let x = Scale.fitting(groups.flatMap { $0.points.map(\.x) }, kind: .linear, start: area.left, end: area.right)
        let y = Scale.fitting(groups.flatMap { $0.points.map(\.y) }, kind: .linear, start: area.bottom, end: area.top)
        var canvas = SVGCanvas(width: width, height: height, title: title, kind: "scatter")
        canvas.drawTitle(title)
        if let background {
            let n = backgroundResolution
            var centres: [(x: Double, y: Double)] = []
            centres.reserveCapacity(n * n)
            for row in 0..<n {
                for column in 0..<n {
                    centres.append((x.value(at: area.left + (Double(column) + 0.5) * area.width / Double(n)),
                                    y.value(at: area.top + (Double(row) + 0.5) * area.height / Double(n))))
                }
            }
            let colours = background(centres)
            var image = PNGImage(width: n, height: n)
            for (index, colour) in colours.prefix(n * n).enumerated() { image[index % n, index / n] = colour }
            canvas.image(image, x: area.left, y: area.top, width: area.width, height: area.height, extra: [
                ("class", "background"), ("data-resolution", "\(n)"),
            ])
        }
        canvas.drawAxes(area, x: x, y: y, xLabel: xLabel, yLabel: yLabel)
        for (index, group) in groups.enumerated() {
            for point in group.points where point.x.isFinite && point.y.isFinite {
                canvas.marker(.of(index), x: x.position(point.x), y: y.position(point.y), size: 5.5, colour: Palette.category(index), extra: [
                    ("class", "series-point"), ("data-label", group.label), ("stroke", "#ffffff"), ("stroke-width", "0.6"),
                ])
            }
        }
        canvas.drawLegend(legend, area: area)
        return canvas.rendered(standalone: standalone)
    }
}
