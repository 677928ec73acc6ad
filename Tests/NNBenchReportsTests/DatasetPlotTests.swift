import Foundation
import NNBenchDatasets
@testable import NNBenchReports
import Testing

/// `--plot`'s picture of a dataset: a standalone, self-contained SVG whose marks are the data's
/// numbers.
@Suite("dataset plot")
struct DatasetPlotTests {
    static func task(_ name: String, _ overrides: [String: String] = [:], seed: UInt64 = 0) throws -> LearningTask {
        try TaskCatalogue.definition(named: name).makeTask(overrides, seed: seed)
    }

    /// Parses a picture as a file of its own: the XML declaration first, then a self-contained SVG.
    static func parse(_ svg: String) throws -> Node {
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        return try Markup.selfContained(svg)
    }

    /// The centre of a circle or square marker (classes 0 and 1).
    static func centre(_ node: Node) -> (x: Double, y: Double)? {
        switch node.name {
        case "circle": return (node.numbers("cx")[0], node.numbers("cy")[0])
        case "rect": return (node.numbers("x")[0] + node.numbers("width")[0] / 2, node.numbers("y")[0] + node.numbers("height")[0] / 2)
        default: return nil
        }
    }

    @Test func twoInputClassesAreScatteredByClassAtTheirValues() throws {
        let task = try Self.task("moons", ["n": "60"], seed: 4)
        let plot = DatasetPlot(task: task, splits: .only(.train), details: "n=60, seed 4")
        let svg = try Self.parse(plot.svg)
        #expect(svg.elements("title").first?.text == "moons (n=60, seed 4): train split, 60 samples")
        let area = try #require(svg.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x")), y = try #require(DrawnAxis(area, axis: "y"))
        let train = task.train
        for label in 0..<2 {
            let expected = (0..<train.count).filter { Int(train.target($0).first!) == label }.map { train.input($0) }
            let name = "class \(label) (\(expected.count))"
            // The legend says each class's count, and that many points carry its label.
            #expect(svg.elements("text").contains { $0.text == name })
            let points = svg.all.filter { $0.attributes["class"] == "series-point" && $0.attributes["data-label"] == name }
            #expect(points.count == expected.count && expected.count > 0)
            // Class 0 is circles, class 1 squares: colour and marker both tell them apart.
            #expect(points.allSatisfy { $0.name == (label == 0 ? "circle" : "rect") })
            #expect(Set(points.compactMap { $0.attributes["fill"] }) == [Palette.category(label).hex])
            for (point, input) in zip(points, expected) {
                let drawn = try #require(Self.centre(point))
                let (vx, vy) = (input[input.startIndex], input[input.startIndex + 1])
                #expect(Swift.abs(x.value(drawn.x) - vx) <= x.tolerance(at: vx) && Swift.abs(y.value(drawn.y) - vy) <= y.tolerance(at: vy))
            }
        }
        #expect(svg.elements("text").contains { $0.text == "x0" } && svg.elements("text").contains { $0.text == "x1" })
    }

    @Test func allSplitsDrawEverySampleOfEach() throws {
        let task = try Self.task("blobs", ["classes": "4", "n": "40"])
        let svg = try Self.parse(DatasetPlot(task: task, splits: .all).svg)
        let total = task.train.count + task.validation.count + task.test.count
        #expect(svg.elements("title").first?.text == "blobs: all splits, \(total) samples")
        let labels = svg.all.filter { $0.attributes["class"] == "series-point" }.compactMap { $0.attributes["data-label"] }
        #expect(labels.count == total)
        for label in 0..<4 {
            let count = [task.train, task.validation, task.test].reduce(0) { sum, split in
                sum + (0..<split.count).filter { Int(split.target($0).first!) == label }.count
            }
            #expect(labels.filter { $0 == "class \(label) (\(count))" }.count == count)
        }
    }

    @Test func oneInputRegressionIsYAgainstX() throws {
        let task = try Self.task("sine", ["n": "30"])
        let svg = try Self.parse(DatasetPlot(task: task, splits: .only(.test)).svg)
        let area = try #require(svg.elements("rect").first { $0.attributes["class"] == "plot-area" })
        let x = try #require(DrawnAxis(area, axis: "x")), y = try #require(DrawnAxis(area, axis: "y"))
        let points = svg.all.filter { $0.attributes["class"] == "series-point" }
        let test = task.test
        #expect(points.count == test.count && svg.elements("title").first?.text == "sine: test split, \(test.count) samples")
        for (index, point) in points.enumerated() {
            let (vx, vy) = (test.input(index).first!, test.target(index).first!)
            #expect(Swift.abs(x.value(point.numbers("cx")[0]) - vx) <= x.tolerance(at: vx))
            #expect(Swift.abs(y.value(point.numbers("cy")[0]) - vy) <= y.tolerance(at: vy))
        }
    }

    @Test func imagesAreAGridOfTheFirstSamples() throws {
        let task = try Self.task("bars-stripes", ["noise": "0", "size": "6"])
        let svg = try Self.parse(DatasetPlot(task: task, splits: .only(.train)).svg)
        let tiles = svg.elements("image").filter { $0.attributes["class"] == "tile" }
        #expect(tiles.count == 16 && task.train.count > 16)
        #expect(tiles.map { $0.attributes["data-label"] } == (0..<16).map { "target \(Int(task.train.target($0).first!))" })
        // Without noise, bars and stripes are 0 or 1: every pixel is one of the map's two ends, as the sample has it.
        let png = try DecodedPNG(dataURI: try #require(tiles[0].attributes["href"]))
        #expect(png.width == 6 && png.pixels.count == 36)
        let low = Palette.sequential(0), high = Palette.sequential(1)
        let expected = task.train.input(0).map { $0 > 0.5 ? [high.red, high.green, high.blue] : [low.red, low.green, low.blue] }
        #expect(png.pixels == Array(expected))
    }

    @Test func otherTasksAreAHeatmapOfTheFirstSamplesInputsAndTargets() throws {
        let task = try Self.task("parity")
        let svg = try Self.parse(DatasetPlot(task: task, splits: .only(.train)).svg)
        let cells = try #require(svg.elements("image").first { $0.attributes["class"] == "cells" })
        #expect(cells.attributes["data-rows"] == "\(task.train.count)" && cells.attributes["data-columns"] == "5")
        let png = try DecodedPNG(dataURI: try #require(cells.attributes["href"]))
        let low = Palette.sequential(0), high = Palette.sequential(1)
        let values = (0..<task.train.count).flatMap { Array(task.train.input($0)) + Array(task.train.target($0)) }
        #expect(png.pixels == values.map { $0 > 0.5 ? [high.red, high.green, high.blue] : [low.red, low.green, low.blue] })
        #expect(svg.elements("text").contains { $0.text == "inputs 0–3, then target (column 4)" })
    }
}
