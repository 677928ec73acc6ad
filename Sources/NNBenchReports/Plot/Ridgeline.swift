/// Histograms stacked one above the other on a shared value axis, oldest at the top: how a
/// layer's weights, gradients or activations spread over training (TensorBoard's "offset" view).
///
/// Each ridge is its histogram's density, `count / (n · bin width)`, as a step outline, scaled so
/// that its own tallest bin is 1.5 ridge spacings high: the shape of every epoch stays readable
/// even when the spread changes by orders of magnitude, and the x axis says how wide it is.
public struct Ridgeline: Sendable {
    /// One histogram: equal-width bins between `lower` and `upper`.
    public struct Ridge: Sendable {
        /// Its name at the left (`epoch 10`).
        public var label: String
        /// The left edge of the first bin.
        public var lower: Double
        /// The right edge of the last bin.
        public var upper: Double
        /// The count of each bin.
        public var counts: [Int]

        /// Creates a ridge.
        public init(label: String, lower: Double, upper: Double, counts: [Int]) {
            self.label = label
            self.lower = lower
            self.upper = upper
            self.counts = counts
        }
    }

    /// The title.
    public var title: String
    /// The value axis's label, with its unit.
    public var valueLabel: String
    /// The ridges, top to bottom.
    public var ridges: [Ridge]
    /// The width in pixels.
    public var width: Double

    /// Creates a ridgeline chart.
    public init(title: String, valueLabel: String, ridges: [Ridge], width: Double = 460) {
        self.title = title
        self.valueLabel = valueLabel
        self.ridges = ridges
        self.width = width
    }

    /// The distance between two ridges' baselines, in pixels.
    static let spacing = 22.0

    /// The chart as SVG.
    public func svg(standalone: Bool = false) -> String {
        let plotHeight = Double(ridges.count + 1) * Self.spacing
        let (area, height) = PlotArea.chart(width: width, plotHeight: plotHeight, legendRows: 0, left: 70)
        let x = Scale.fitting(ridges.flatMap { [$0.lower, $0.upper] }, kind: .linear, start: area.left, end: area.right)
        var canvas = SVGCanvas(width: width, height: height, title: title, kind: "ridgeline")
        canvas.drawTitle(title)
        for tick in x.ticks {
            let position = x.position(tick)
            canvas.line(position, area.top, position, area.bottom, colour: .grid)
            canvas.text(x.label(tick), x: position, y: area.bottom + 15, anchor: .middle, colour: .axis)
        }
        canvas.line(area.left, area.bottom, area.right, area.bottom, colour: .axis)
        canvas.text(valueLabel, x: (area.left + area.right) / 2, y: area.bottom + 31, anchor: .middle)
        canvas.rect(x: area.left, y: area.top, width: area.width, height: area.height, fill: nil, extra: [
            ("class", "plot-area"), ("data-x-scale", "linear"), ("data-x-domain", "\(x.lower) \(x.upper)"), ("data-x-range", "\(x.start) \(x.end)"),
        ])
        for (index, ridge) in ridges.enumerated() {
            let baseline = area.top + Double(index + 2) * Self.spacing
            let colour = Palette.sequential(ridges.count == 1 ? 0.5 : 0.85 * Double(index) / Double(ridges.count - 1))
            canvas.text(ridge.label, x: area.left - 6, y: baseline, anchor: .end, size: 10, colour: .axis)
            canvas.element("path", [
                ("class", "ridge"), ("data-label", ridge.label), ("d", outline(ridge, x: x, baseline: baseline)),
                ("fill", colour.hex), ("fill-opacity", "0.75"), ("stroke", colour.mixed(with: Colour(hex: 0), 0.4).hex),
                ("stroke-width", "1"),
            ])
        }
        return canvas.rendered(standalone: standalone)
    }

    /// The step outline of one ridge, closed along its baseline.
    private func outline(_ ridge: Ridge, x: Scale, baseline: Double) -> String {
        let bins = ridge.counts.count
        guard bins > 0 else { return "M0,0" }
        let width = (ridge.upper - ridge.lower) / Double(bins)
        // A histogram of equal values has one bin of zero width: drawn as a spike one pixel wide.
        let tallest = Double(ridge.counts.max() ?? 0)
        let scale = tallest > 0 ? 1.5 * Self.spacing / tallest : 0
        var path = "M\(XMLText.number(x.position(ridge.lower))),\(XMLText.number(baseline))"
        for (bin, count) in ridge.counts.enumerated() {
            let left = x.position(ridge.lower + Double(bin) * width)
            let right = width > 0 ? x.position(ridge.lower + Double(bin + 1) * width) : left + 1
            let top = baseline - Double(count) * scale
            path += " L\(XMLText.number(left)),\(XMLText.number(top)) L\(XMLText.number(right)),\(XMLText.number(top))"
        }
        let end = width > 0 ? x.position(ridge.upper) : x.position(ridge.upper) + 1
        return path + " L\(XMLText.number(end)),\(XMLText.number(baseline)) Z"
    }
}
