/// A matrix as a grid of coloured cells with a colour bar: a dense layer's weights (inputs down,
/// units across), a filter. Signed values use the diverging map, white at zero and symmetric
/// about it, so that the sign and size of every weight can be read; others the sequential map
/// from their smallest to their largest value.
public struct Heatmap: Sendable {
    /// How values become colours.
    public enum Colouring: String, Sendable {
        /// ``Palette/diverging(_:)`` over `[-m, m]`, `m` the largest magnitude.
        case diverging
        /// ``Palette/sequential(_:)`` from the smallest value to the largest.
        case sequential
    }

    /// The title.
    public var title: String
    /// The number of rows.
    public var rows: Int
    /// The number of columns.
    public var columns: Int
    /// `rows × columns` values, row by row.
    public var values: [Double]
    /// What the rows are (`input`), with a unit if any.
    public var rowLabel: String
    /// What the columns are (`unit`).
    public var columnLabel: String
    /// How values become colours.
    public var colouring: Colouring
    /// The value range the colours span; by default from the values themselves. Two heatmaps
    /// meant to be compared (a layer at its first and last epoch) share one.
    public var range: ClosedRange<Double>?

    /// Creates a heatmap.
    public init(
        title: String, rows: Int, columns: Int, values: [Double], rowLabel: String, columnLabel: String,
        colouring: Colouring = .diverging, range: ClosedRange<Double>? = nil
    ) {
        precondition(rows * columns == values.count && rows > 0 && columns > 0, "a heatmap needs rows × columns values")
        self.title = title
        self.rows = rows
        self.columns = columns
        self.values = values
        self.rowLabel = rowLabel
        self.columnLabel = columnLabel
        self.colouring = colouring
        self.range = range
    }

    /// The range the colours span: ``range``, or the values' (their largest magnitude either side
    /// of zero when diverging); non-finite values are left out, and drawn grey.
    public var colourRange: ClosedRange<Double> {
        if let range { return range }
        let finite = values.filter(\.isFinite)
        switch colouring {
        case .diverging:
            let magnitude = finite.map(Swift.abs).max() ?? 0
            return magnitude > 0 ? -magnitude...magnitude : -1...1
        case .sequential:
            guard let low = finite.min(), let high = finite.max(), high > low else { return (finite.first ?? 0)...((finite.first ?? 0) + 1) }
            return low...high
        }
    }

    /// The colour of a value.
    func colour(_ value: Double) -> Colour {
        guard value.isFinite else { return Colour(hex: 0x999999) }
        let range = colourRange
        switch colouring {
        case .diverging: return Palette.diverging(value / Swift.max(Swift.abs(range.lowerBound), Swift.abs(range.upperBound)))
        case .sequential: return Palette.sequential((value - range.lowerBound) / (range.upperBound - range.lowerBound))
        }
    }

    /// The cells as an image, one pixel per cell.
    var image: PNGImage {
        var image = PNGImage(width: columns, height: rows)
        for row in 0..<rows {
            for column in 0..<columns { image[column, row] = colour(values[row * columns + column]) }
        }
        return image
    }

    /// The heatmap as SVG: cells at most 24 pixels and at least 1 across, fitted in about 300 × 300.
    public func svg(standalone: Bool = false) -> String {
        let cell = Swift.max(1, Swift.min(24, 300 / Double(Swift.max(rows, columns))))
        let plotWidth = Double(columns) * cell, plotHeight = Double(rows) * cell
        let area = PlotArea(left: 58, top: 30, right: 58 + plotWidth, bottom: 30 + plotHeight)
        let width = Swift.max(area.right + 90, Double(title.count) * 7.5 + 20)
        var canvas = SVGCanvas(width: width, height: area.bottom + 44, title: title, kind: "heatmap")
        canvas.drawTitle(title)
        canvas.image(image, x: area.left, y: area.top, width: plotWidth, height: plotHeight, extra: [
            ("class", "cells"), ("data-rows", "\(rows)"), ("data-columns", "\(columns)"), ("data-colouring", colouring.rawValue),
            ("data-value-range", "\(colourRange.lowerBound) \(colourRange.upperBound)"),
        ])
        canvas.rect(x: area.left, y: area.top, width: plotWidth, height: plotHeight, fill: nil, stroke: .axis)
        for column in Self.tickIndices(columns) {
            canvas.text("\(column)", x: area.left + (Double(column) + 0.5) * cell, y: area.bottom + 13, anchor: .middle, size: 10, colour: .axis)
        }
        for row in Self.tickIndices(rows) {
            canvas.text("\(row)", x: area.left - 4, y: area.top + (Double(row) + 0.5) * cell + 3.5, anchor: .end, size: 10, colour: .axis)
        }
        canvas.text(columnLabel, x: (area.left + area.right) / 2, y: area.bottom + 29, anchor: .middle)
        canvas.text(rowLabel, x: 14, y: (area.top + area.bottom) / 2, anchor: .middle, rotated: true)
        drawColourBar(on: &canvas, x: area.right + 14, top: area.top, height: Swift.max(plotHeight, 60))
        return canvas.rendered(standalone: standalone)
    }

    /// The colour bar: the map from the range's bottom to its top, labelled at both ends (and 0).
    private func drawColourBar(on canvas: inout SVGCanvas, x: Double, top: Double, height: Double) {
        let range = colourRange
        let steps = 64
        var strip = PNGImage(width: 1, height: steps)
        for i in 0..<steps {
            let value = range.upperBound - (Double(i) + 0.5) / Double(steps) * (range.upperBound - range.lowerBound)
            strip[0, i] = colour(value)
        }
        canvas.image(strip, x: x, y: top, width: 10, height: height, extra: [("class", "colour-bar")])
        canvas.rect(x: x, y: top, width: 10, height: height, fill: nil, stroke: .axis)
        canvas.text(number(range.upperBound), x: x + 14, y: top + 8, size: 10, colour: .axis)
        canvas.text(number(range.lowerBound), x: x + 14, y: top + height, size: 10, colour: .axis)
        if colouring == .diverging { canvas.text("0", x: x + 14, y: top + height / 2 + 4, size: 10, colour: .axis) }
    }

    /// The indices labelled on an axis of `count` cells: the first, the last, and the middle.
    static func tickIndices(_ count: Int) -> [Int] {
        count <= 2 ? Array(0..<count) : Array(Set([0, (count - 1) / 2, count - 1])).sorted()
    }
}
