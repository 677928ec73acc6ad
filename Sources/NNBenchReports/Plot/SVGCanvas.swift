/// An SVG picture being drawn: its elements in order, then the whole as text.
///
/// Every picture nnbench draws is plain SVG 1.1 elements with presentation attributes (no CSS
/// classes needed to look right, no ids, no scripts, no external references), so it looks the
/// same inline in a report and as a file of its own. Text stays text. Charts carry `data-`
/// attributes saying how to read them back (``Scale``'s domain and range), which the tests use to
/// check that what is drawn is the record's numbers.
struct SVGCanvas {
    let width: Double
    let height: Double
    /// The picture's title, its `<title>` for screen readers and tooltips.
    let title: String
    /// What kind of chart it is (`line`, `heatmap`...), its root's `data-kind`.
    let kind: String
    private var body = ""

    /// The font of every label, as wide as possible a choice of system fonts.
    static let font = "Helvetica, Arial, sans-serif"
    /// The width of a character of 11-pixel text, on average, to lay out legends.
    static let characterWidth = 6.0

    init(width: Double, height: Double, title: String, kind: String) {
        self.width = width
        self.height = height
        self.title = title
        self.kind = kind
    }

    /// Appends raw markup; the other methods are built on it.
    mutating func append(_ markup: String) {
        body += markup
        body += "\n"
    }

    /// `name="value"` pairs as attribute text, values escaped; `nil` values left out.
    static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { name, value in value.map { " \(name)=\"\(XMLText.escaped($0))\"" } }.joined()
    }

    mutating func element(_ name: String, _ pairs: [(String, String?)], content: String? = nil) {
        if let content {
            append("<\(name)\(Self.attributes(pairs))>\(content)</\(name)>")
        } else {
            append("<\(name)\(Self.attributes(pairs))/>")
        }
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: Colour, width: Double = 1, dashed: Bool = false,
        extra: [(String, String?)] = []
    ) {
        element("line", [
            ("x1", XMLText.number(x1)), ("y1", XMLText.number(y1)), ("x2", XMLText.number(x2)), ("y2", XMLText.number(y2)),
            ("stroke", colour.hex), ("stroke-width", XMLText.number(width)), ("stroke-dasharray", dashed ? "5 3" : nil),
        ] + extra)
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(
        _ text: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 11, colour: Colour = Colour(hex: 0x222222),
        bold: Bool = false, rotated: Bool = false
    ) {
        element("text", [
            ("x", XMLText.number(x)), ("y", XMLText.number(y)), ("text-anchor", anchor == .start ? nil : anchor.rawValue),
            ("font-size", size == 11 ? nil : XMLText.number(size)), ("fill", colour.hex), ("font-weight", bold ? "bold" : nil),
            ("transform", rotated ? "rotate(-90 \(XMLText.number(x)) \(XMLText.number(y)))" : nil),
        ], content: XMLText.escaped(text))
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: Colour?, stroke: Colour? = nil, extra: [(String, String?)] = []
    ) {
        element("rect", [
            ("x", XMLText.number(x)), ("y", XMLText.number(y)), ("width", XMLText.number(width)), ("height", XMLText.number(height)),
            ("fill", fill?.hex ?? "none"), ("stroke", stroke?.hex),
        ] + extra)
    }

    /// A raster stretched over a rectangle, its pixels kept sharp.
    mutating func image(_ image: PNGImage, x: Double, y: Double, width: Double, height: Double, extra: [(String, String?)] = []) {
        element("image", [
            ("x", XMLText.number(x)), ("y", XMLText.number(y)), ("width", XMLText.number(width)), ("height", XMLText.number(height)),
            ("preserveAspectRatio", "none"), ("style", "image-rendering:pixelated;image-rendering:crisp-edges"),
            ("href", image.dataURI),
        ] + extra)
    }

    /// A marker of `size` pixels across centred on a point.
    mutating func marker(_ marker: Marker, x: Double, y: Double, size: Double, colour: Colour, extra: [(String, String?)] = []) {
        let r = size / 2
        switch marker {
        case .circle:
            element("circle", [("cx", XMLText.number(x)), ("cy", XMLText.number(y)), ("r", XMLText.number(r)), ("fill", colour.hex)] + extra)
        case .square:
            rect(x: x - r * 0.9, y: y - r * 0.9, width: 1.8 * r, height: 1.8 * r, fill: colour, extra: extra)
        case .triangle, .diamond:
            let points = marker == .triangle
                ? [(x, y - r * 1.15), (x + r * 1.1, y + r * 0.85), (x - r * 1.1, y + r * 0.85)]
                : [(x, y - r * 1.25), (x + r * 1.1, y), (x, y + r * 1.25), (x - r * 1.1, y)]
            element("polygon", [("points", points.map { "\(XMLText.number($0.0)),\(XMLText.number($0.1))" }.joined(separator: " ")), ("fill", colour.hex)] + extra)
        }
    }

    /// The document: the root `<svg>` with its size, namespace and `extra` attributes, the title,
    /// a white background, then the elements. `standalone` adds the XML declaration a file needs.
    func rendered(standalone: Bool = false, extra: [(String, String?)] = []) -> String {
        let size = [("width", XMLText.number(width)), ("height", XMLText.number(height))]
        let root = "<svg xmlns=\"http://www.w3.org/2000/svg\"" + Self.attributes(size + [
            ("viewBox", "0 0 \(XMLText.number(width)) \(XMLText.number(height))"), ("font-family", Self.font), ("font-size", "11"),
            ("role", "img"), ("data-kind", kind),
        ] + extra) + ">\n"
        let background = "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        return (standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "") + root + "<title>\(XMLText.escaped(title))</title>\n"
            + background + body + "</svg>\n"
    }
}

/// The shape of a point, so that classes differ by more than colour.
enum Marker: CaseIterable {
    case circle, square, triangle, diamond

    /// The marker of the `index`-th class, cycling.
    static func of(_ index: Int) -> Marker { allCases[index % allCases.count] }
}

/// One entry of a chart's legend.
struct LegendItem {
    var label: String
    var colour: Colour
    var dashed = false
    /// Drawn as a point of this shape instead of a line.
    var marker: Marker?
}

/// The rectangle where a chart draws its data, inside margins for the title, the axes and the
/// legend below them.
struct PlotArea {
    let left: Double, top: Double, right: Double, bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }

    /// The margins of a chart `width` pixels wide with a title, tick labels on two axes and
    /// `legendRows` rows of legend under the x axis label.
    static func chart(width: Double, plotHeight: Double, legendRows: Int, left: Double = 62) -> (PlotArea, height: Double) {
        let top = 30.0
        let area = PlotArea(left: left, top: top, right: width - 16, bottom: top + plotHeight)
        return (area, area.bottom + 40 + Double(legendRows) * 16 + (legendRows > 0 ? 4 : 0))
    }

    /// How many rows `items` take in a legend `width` pixels wide.
    static func legendRows(_ items: [LegendItem], width: Double) -> Int {
        layoutLegend(items, width: width).last.map { $0.row + 1 } ?? 0
    }

    /// Each item's row and x offset: items flow left to right, wrapping at `width`.
    static func layoutLegend(_ items: [LegendItem], width: Double) -> [(row: Int, x: Double)] {
        var row = 0, x = 0.0
        var places: [(row: Int, x: Double)] = []
        for item in items {
            let itemWidth = 26 + Double(item.label.count) * SVGCanvas.characterWidth + 14
            if x > 0 && x + itemWidth > width {
                row += 1
                x = 0
            }
            places.append((row, x))
            x += itemWidth
        }
        return places
    }
}

extension SVGCanvas {
    /// The title, centred at the top.
    mutating func drawTitle(_ text: String) {
        self.text(text, x: width / 2, y: 18, anchor: .middle, size: 13, bold: true)
    }

    /// Grid lines, ticks and tick labels of both axes, the axis lines and their labels, and a
    /// transparent rectangle over the plot area carrying how to read the chart back.
    mutating func drawAxes(_ area: PlotArea, x: Scale, y: Scale, xLabel: String, yLabel: String, xTicks: [Double]? = nil) {
        for tick in xTicks ?? x.ticks {
            let position = x.position(tick)
            line(position, area.top, position, area.bottom, colour: .grid)
            line(position, area.bottom, position, area.bottom + 4, colour: .axis)
            text(x.label(tick), x: position, y: area.bottom + 15, anchor: .middle, colour: .axis)
        }
        for tick in y.ticks {
            let position = y.position(tick)
            line(area.left, position, area.right, position, colour: .grid)
            line(area.left - 4, position, area.left, position, colour: .axis)
            text(y.label(tick), x: area.left - 6, y: position + 4, anchor: .end, colour: .axis)
        }
        line(area.left, area.top, area.left, area.bottom, colour: .axis)
        line(area.left, area.bottom, area.right, area.bottom, colour: .axis)
        text(xLabel, x: (area.left + area.right) / 2, y: area.bottom + 31, anchor: .middle)
        text(yLabel, x: 14, y: (area.top + area.bottom) / 2, anchor: .middle, rotated: true)
        rect(x: area.left, y: area.top, width: area.width, height: area.height, fill: nil, extra: [
            ("class", "plot-area"), ("data-x-scale", x.kind.rawValue), ("data-x-domain", "\(x.lower) \(x.upper)"),
            ("data-x-range", "\(x.start) \(x.end)"), ("data-y-scale", y.kind.rawValue), ("data-y-domain", "\(y.lower) \(y.upper)"),
            ("data-y-range", "\(y.start) \(y.end)"),
        ])
    }

    /// The legend under the x axis label.
    mutating func drawLegend(_ items: [LegendItem], area: PlotArea) {
        let top = area.bottom + 48
        for (item, place) in zip(items, PlotArea.layoutLegend(items, width: area.width)) {
            let x = area.left + place.x, y = top + Double(place.row) * 16
            if let shape = item.marker {
                marker(shape, x: x + 10, y: y - 4, size: 8, colour: item.colour)
            } else {
                line(x, y - 4, x + 20, y - 4, colour: item.colour, width: 2.5, dashed: item.dashed)
            }
            text(item.label, x: x + 26, y: y)
        }
    }
}
