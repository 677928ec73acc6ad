/// Small images side by side with captions: samples of an image task, a convolution's filters.
/// All share one colour range, so that their values compare.
public struct ImageGrid: Sendable {
    /// One image.
    public struct Tile: Sendable {
        /// Its caption (`label 1`, `filter 0`).
        public var caption: String
        /// Its height in pixels of the source.
        public var rows: Int
        /// Its width.
        public var columns: Int
        /// `rows × columns` values, row by row.
        public var values: [Double]

        /// Creates a tile.
        public init(caption: String, rows: Int, columns: Int, values: [Double]) {
            precondition(rows * columns == values.count && rows > 0 && columns > 0, "a tile needs rows × columns values")
            self.caption = caption
            self.rows = rows
            self.columns = columns
            self.values = values
        }
    }

    /// The title.
    public var title: String
    /// The images.
    public var tiles: [Tile]
    /// How values become colours; the range is shared by every tile.
    public var colouring: Heatmap.Colouring
    /// Tiles per row.
    public var perRow: Int
    /// The value range the colours span; by default the tiles' own. Grids meant to be compared
    /// (a convolution's filters at its first and last epoch) share one.
    public var range: ClosedRange<Double>?

    /// Creates a grid.
    public init(title: String, tiles: [Tile], colouring: Heatmap.Colouring = .sequential, perRow: Int = 8) {
        self.title = title
        self.tiles = tiles
        self.colouring = colouring
        self.perRow = perRow
    }

    /// The grid as SVG, each tile at most 64 pixels across.
    public func svg(standalone: Bool = false) -> String {
        let all = tiles.flatMap(\.values)
        let shared = Heatmap(title: title, rows: 1, columns: Swift.max(all.count, 1), values: all.isEmpty ? [0] : all, rowLabel: "", columnLabel: "", colouring: colouring,
            range: range)
        let side = 64.0, gap = 14.0
        let columns = Swift.max(1, Swift.min(perRow, tiles.count))
        let rows = (tiles.count + columns - 1) / columns
        let width = Swift.max(Double(columns) * (side + gap) + gap, Double(title.count) * 7.5 + 20)
        var canvas = SVGCanvas(width: width, height: 30 + Double(rows) * (side + 26) + 4, title: title, kind: "images")
        canvas.drawTitle(title)
        for (index, tile) in tiles.enumerated() {
            let scale = side / Double(Swift.max(tile.rows, tile.columns))
            let x = gap + Double(index % columns) * (side + gap), y = 30 + Double(index / columns) * (side + 26)
            var image = PNGImage(width: tile.columns, height: tile.rows)
            for row in 0..<tile.rows {
                for column in 0..<tile.columns { image[column, row] = shared.colour(tile.values[row * tile.columns + column]) }
            }
            canvas.image(image, x: x, y: y, width: Double(tile.columns) * scale, height: Double(tile.rows) * scale, extra: [
                ("class", "tile"), ("data-label", tile.caption),
            ])
            canvas.rect(x: x, y: y, width: Double(tile.columns) * scale, height: Double(tile.rows) * scale, fill: nil, stroke: .axis)
            canvas.text(tile.caption, x: x + side / 2, y: y + side + 14, anchor: .middle, size: 10, colour: .axis)
        }
        return canvas.rendered(standalone: standalone)
    }
}
