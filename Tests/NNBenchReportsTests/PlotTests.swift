import Foundation
@testable import NNBenchReports
import Testing

/// The drawing primitives: every picture is well-formed, self-contained XML whose shapes are the
/// numbers it was given.
@Suite("plots")
struct PlotTests {
    @Test func xmlTextEscapesTheSpecialCharactersAndReplacesTheForbiddenOnes() throws {
        #expect(XMLText.escaped("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
        #expect(XMLText.escaped("bell\u{07}tab\tline\n") == "bell\u{FFFD}tab\tline\n")
        // A label holding every kind of character still parses.
        _ = try Markup.parse("<a b=\"\(XMLText.escaped("<&\"'\u{1B}[0m"))\">\(XMLText.escaped("x < y && \u{00}"))</a>")
    }

    @Test func coordinatesAreWrittenToAHundredthWithoutTrailingZeros() {
        #expect(XMLText.number(12) == "12")
        #expect(XMLText.number(12.5) == "12.5")
        #expect(XMLText.number(-0.25) == "-0.25")
        #expect(XMLText.number(0.004) == "0")
        #expect(XMLText.number(-0.004) == "0")
        #expect(XMLText.number(3.14159) == "3.14")
        #expect(XMLText.number(1.05) == "1.05")
        #expect(XMLText.number(.nan) == "0")
        for value in stride(from: -30.0, through: 30.0, by: 0.37) {
            #expect(Swift.abs(Double(XMLText.number(value))! - value) <= 0.005 + 1e-12)
        }
    }

    @Test func linearScalesWidenToWholeStepsOfOneTwoOrFive() {
        let scale = Scale.fitting([0.13, 0.94], kind: .linear, start: 0, end: 100)
        #expect(scale.lower == 0 && scale.upper == 1 && scale.step == 0.2)
        #expect(scale.ticks.count == 6 && scale.ticks.first == 0 && Swift.abs(scale.ticks.last! - 1) < 1e-12)
        #expect(scale.label(0.4) == "0.4")
        let epochs = Scale.fitting([0, 37], kind: .linear, start: 0, end: 100)
        #expect(epochs.lower == 0 && epochs.upper == 40 && epochs.step == 10 && epochs.label(30) == "30")
        let negative = Scale.fitting([-2.3, 0.7], kind: .linear, start: 0, end: 100)
        #expect(negative.lower == -3 && negative.upper == 1 && negative.step == 1)
        // A single value still gets a domain around it.
        let flat = Scale.fitting([5, 5], kind: .linear, start: 0, end: 100)
        #expect(flat.lower < 5 && flat.upper > 5)
        for value in [-2.3, 0, 0.7] { #expect(Swift.abs(negative.value(at: negative.position(value)) - value) < 1e-12) }
    }

    @Test func logScalesSpanWholeDecadesAndDropWhatTheyCannotDraw() {
        let scale = Scale.fitting([3e-4, 0.02, 0, -1, .nan], kind: .log, start: 200, end: 0)
        #expect(scale.lower == 1e-4 && scale.upper == 0.1)
        #expect(scale.ticks == [1e-4, 1e-3, 1e-2, 1e-1])
        // One format on the axis: it reaches past 0.001, so every label is a power of ten.
        #expect(scale.ticks.map(scale.label) == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"])
        let inside = Scale.fitting([0.002, 50], kind: .log, start: 200, end: 0)
        #expect(inside.ticks.map(inside.label) == ["0.001", "0.01", "0.1", "1", "10", "100"])
        #expect(!scale.accepts(0) && !scale.accepts(-1) && scale.accepts(1e-5))
        #expect(Swift.abs(scale.position(1e-3) - 200 * 2 / 3) < 1e-9)
        // An exact power of ten is its own lower end; one decade gets 2× and 5× ticks.
        let decade = Scale.fitting([1, 7], kind: .log, start: 0, end: 1)
        #expect(decade.lower == 1 && decade.upper == 10 && decade.ticks == [1, 2, 5, 10])
        // Past sixteen decades, a power of ten every third or more: at most nine labels, 24 px
        // apart on a 220 px axis, twice a 10 px label's height (46 decades drew 24, 9.6 px apart).
        let wide = Scale.fitting([1e-45, 3], kind: .log, start: 220, end: 0)
        #expect(wide.lower == 1e-45 && wide.upper == 10 && wide.ticks.count <= 9, "\(wide.ticks)")
        #expect(Swift.abs(wide.position(wide.ticks[0]) - wide.position(wide.ticks[1])) >= 24)
        #expect(Scale.fitting([1e-12, 3], kind: .log, start: 0, end: 1).ticks.count == 7, "nine to sixteen decades: every other one, as before")
    }

    @Test func aLineChartDrawsEverySeriesPointAtItsValue() throws {
        let train: [(x: Double, y: Double)] = (0...20).map { epoch in (Double(epoch), 1 / Double(epoch + 1)) }
        var valid = train.map { (x: $0.x, y: 0.9 * $0.y) }
        valid[7].y = .nan
        var chart = LineChart(
            title: "loss <of> xor & co", xLabel: "epoch", yLabel: "loss (nats)", yScale: .log,
            series: [LineChart.Series(label: "train", points: train, colour: Palette.category(0)),
                     LineChart.Series(label: "valid", points: valid, colour: Palette.category(1), dashed: true)],
            references: [LineChart.Reference("ln 2 at initialisation", value: log(2))])
        chart.xFromZero = true
        let svg = try Markup.selfContained(chart.svg(standalone: true))
        #expect(svg.name == "svg" && svg.attributes["data-kind"] == "line")
        #expect(svg.elements("title").first?.text == "loss <of> xor & co")
        let area = try #require(svg.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x")), y = try #require(DrawnAxis(area, axis: "y"))
        #expect(y.log && !x.log)
        for (label, points) in [("train", train), ("valid", valid)] {
            let drawn = svg.elements("polyline").filter { $0.attributes["data-label"] == label }.flatMap { $0.numbers("points") }
            let expected = points.filter { $0.y.isFinite }
            #expect(drawn.count == 2 * expected.count)
            for (index, point) in expected.enumerated() {
                #expect(Swift.abs(x.value(drawn[2 * index]) - point.x) <= x.tolerance(at: point.x))
                #expect(Swift.abs(y.value(drawn[2 * index + 1]) - point.y) <= y.tolerance(at: point.y))
            }
        }
        // The NaN breaks the validation curve in two instead of joining across it.
        #expect(svg.elements("polyline").filter { $0.attributes["data-label"] == "valid" }.count == 2)
        let reference = try #require(svg.elements("line").first { $0.attributes["class"] == "reference" })
        #expect(Swift.abs(y.value(reference.numbers("y1")[0]) - log(2)) <= y.tolerance(at: log(2)))
        #expect(svg.allText.contains("ln 2 at initialisation") && svg.allText.contains("train") && svg.allText.contains("loss (nats)"))
    }

    @Test func aHeatmapsPixelsAreItsCellsColours() throws {
        let values = [-2.0, -1, 0, 0.5, 1, 2]
        let heatmap = Heatmap(title: "0.weight", rows: 2, columns: 3, values: values, rowLabel: "input", columnLabel: "unit")
        #expect(heatmap.colourRange == -2...2)
        #expect(heatmap.colour(0) == Colour(hex: 0xF7F7F7) && heatmap.colour(-2) == Colour(hex: 0x2166AC) && heatmap.colour(2) == Colour(hex: 0xB2182B))
        let svg = try Markup.selfContained(heatmap.svg())
        let cells = try #require(svg.elements("image").first { $0.attributes["class"] == "cells" })
        #expect(cells.attributes["data-rows"] == "2" && cells.attributes["data-columns"] == "3")
        let png = try DecodedPNG(dataURI: try #require(cells.attributes["href"]))
        #expect(png.width == 3 && png.height == 2)
        for (index, value) in values.enumerated() {
            let colour = heatmap.colour(value)
            #expect(png.pixels[index] == [colour.red, colour.green, colour.blue])
        }
    }

    @Test func ridgesAreTheirHistogramsDensities() throws {
        let ridges = [Ridgeline.Ridge(label: "epoch 0", lower: -1, upper: 1, counts: [1, 4, 2, 0]),
                      Ridgeline.Ridge(label: "epoch 9", lower: -3, upper: 3, counts: [0, 3, 3, 1])]
        let svg = try Markup.selfContained(Ridgeline(title: "0.weight", valueLabel: "weight", ridges: ridges).svg())
        let area = try #require(svg.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x"))
        for ridge in ridges {
            let path = try #require(svg.elements("path").first { $0.attributes["data-label"] == ridge.label })
            // "M x,base L left,top L right,top ... L end,base Z": two points per bin between the ends.
            let numbers = (path.attributes["d"] ?? "").split(whereSeparator: { "MLZ ,".contains($0) }).compactMap { Double($0) }
            let base = numbers[1]
            let heights = stride(from: 2, to: numbers.count - 2, by: 4).map { base - numbers[$0 + 1] }
            let tallest = Double(ridge.counts.max()!)
            for (height, count) in zip(heights, ridge.counts) {
                #expect(Swift.abs(height / heights.max()! - Double(count) / tallest) < 0.01)
            }
            #expect(Swift.abs(x.value(numbers[0]) - ridge.lower) <= x.tolerance(at: ridge.lower))
            #expect(Swift.abs(x.value(numbers[numbers.count - 2]) - ridge.upper) <= x.tolerance(at: ridge.upper))
        }
    }

    @Test func scatterPointsAndTheBackgroundGrid() throws {
        let groups = [ScatterPlot.Group(label: "class 0", points: [(-1, -1), (-0.5, 0.2)]), ScatterPlot.Group(label: "class 1", points: [(1, 1)])]
        let plot = ScatterPlot(
            title: "xor", xLabel: "x0", yLabel: "x1", groups: groups,
            background: { centres in centres.map { $0.x > 0 ? Palette.category(1) : Palette.category(0) } }, backgroundResolution: 10)
        let svg = try Markup.selfContained(plot.svg(standalone: true))
        let area = try #require(svg.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x")), y = try #require(DrawnAxis(area, axis: "y"))
        let points = svg.all.filter { $0.attributes["class"] == "series-point" && $0.attributes["data-label"] == "class 0" }
        #expect(points.count == 2)
        let first = try #require(points.first)
        #expect(Swift.abs(x.value(first.numbers("cx")[0]) + 1) <= x.tolerance(at: -1))
        #expect(Swift.abs(y.value(first.numbers("cy")[0]) + 1) <= y.tolerance(at: -1))
        let png = try DecodedPNG(dataURI: try #require(svg.elements("image").first?.attributes["href"]))
        #expect(png.width == 10)
        // The left half of every row is class 0's colour, the right half class 1's: x = 0 is mid-plot.
        let blue = Palette.category(0), orange = Palette.category(1)
        #expect(png.pixels[0] == [blue.red, blue.green, blue.blue] && png.pixels[9] == [orange.red, orange.green, orange.blue])
    }

    @Test func barsImagesAndPagesAreWellFormed() throws {
        let bars = BarChart(
            title: "gradient check", valueLabel: "error / bound", scale: .log,
            bars: [.init(label: "0.weight", value: 0.03, colour: Palette.category(0)), .init(label: "0.bias", value: 0, colour: Palette.category(0)),
                   .init(label: "2.weight", value: 40, colour: Palette.category(3))],
            references: [LineChart.Reference("bound", axis: .x, value: 1)])
        let barSVG = try Markup.selfContained(bars.svg())
        #expect(barSVG.all.filter { $0.attributes["class"] == "bar" }.count == 2)
        let grid = ImageGrid(title: "samples", tiles: [.init(caption: "label 1", rows: 2, columns: 2, values: [0, 1, 1, 0])])
        let gridSVG = try Markup.selfContained(grid.svg())
        let tile = try DecodedPNG(dataURI: try #require(gridSVG.elements("image").first?.attributes["href"]))
        #expect(tile.pixels[0] == [0x44, 0x01, 0x54] && tile.pixels[1] == [0xFD, 0xE7, 0x25])
        let page = HTMLPage(title: "report <1> & more", summary: ["a \"line\""], sections: [
            .init(id: HTML.id("xor linear"), heading: "xor & linear", body: HTML.table(header: ["a<"], rows: [[.status("pass", good: true)]])
                + HTML.figures([(bars.svg(), "bars & co")]), children: [.init(id: "child", heading: "child")]),
            .init(id: "other", heading: "other"),
        ])
        let html = try Markup.selfContained(page.rendered)
        #expect(html.name == "html" && html.elements("svg").count == 1 && html.elements("h3").first?.text == "child")
        #expect(html.elements("a").map { $0.attributes["href"] } == ["#xor-linear", "#other"])
    }

    @Test func theCheckerOfSelfContainedMarkupCatchesWhatRefersOutside() {
        #expect(throws: Markup.NotWellFormed.self) { try Markup.selfContained("<svg><image href=\"http://x/y.png\"/></svg>") }
        #expect(throws: Markup.NotWellFormed.self) { try Markup.selfContained("<html><head><script>1</script></head></html>") }
        #expect(throws: Markup.NotWellFormed.self) { try Markup.selfContained("<html><style>body { background: url(x.png) }</style></html>") }
        #expect(throws: Markup.NotWellFormed.self) { try Markup.parse("<svg><g></svg>") }
        #expect(throws: Markup.NotWellFormed.self) { try Markup.parse("<p>a &nbsp; b</p>") }
        #expect(throws: Markup.NotWellFormed.self) { try Markup.parse("<p a=b></p>") }
    }

    @Test func thePaletteIsDistinctAndItsMapsRunEndToEnd() {
        #expect(Set(Palette.categorical).count == 8)
        #expect(Palette.sequential(0) == Colour(hex: 0x440154) && Palette.sequential(1) == Colour(hex: 0xFDE725))
        #expect(Palette.sequential(2) == Palette.sequential(1) && Palette.sequential(.nan) == Palette.sequential(0))
        #expect(Palette.diverging(0) == Colour(hex: 0xF7F7F7))
        #expect(Colour(hex: 0x0072B2).hex == "#0072b2")
    }
}
