import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBench
import Testing

/// `show --plot` and `generate --plot`: a standalone SVG of exactly the data shown or generated.
@Suite("--plot")
struct PlotOptionTests {
    /// Reads a written picture, checking it is a standalone, well-formed SVG that refers to nothing outside.
    static func readSVG(_ url: URL) throws -> String {
        let svg = try String(contentsOf: url, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(!svg.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
        #expect(!svg.contains("<script") && !svg.contains("url("))
        return svg
    }

    /// How many times `part` occurs in `text`.
    static func count(_ part: String, in text: String) -> Int {
        text.components(separatedBy: part).count - 1
    }

    @Test func generateDrawsWhatItWrote() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["generate", "blobs", "--param", "classes=3", "--n", "30", "--seed", "7", "--split", "all", "--output", "d.csv", "--plot", "d.svg"], in: folder)
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        let svg = try Self.readSVG(folder.appendingPathComponent("d.svg"))
        // The CSV: split,x0,x1,y; one row per sample of every split.
        let rows = try String(contentsOf: folder.appendingPathComponent("d.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(svg.contains("<title>blobs (classes=3, n=30, seed 7): all splits, \(rows.count) samples</title>"))
        for label in 0..<3 {
            let count = rows.filter { $0.hasSuffix(",\(label)") }.count
            #expect(count > 0 && Self.count("data-label=\"class \(label) (\(count))\"", in: svg) == count)
        }
    }

    @Test func showDrawsTheTrainingSplit() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["show", "sine", "--n", "25", "--plot", "sine.svg"], in: folder)
        #expect(result.status == 0 && result.output.hasPrefix("sine: "), "\(result.standardError)")
        let svg = try Self.readSVG(folder.appendingPathComponent("sine.svg"))
        #expect(svg.contains("<title>sine (n=25, seed 0): train split, 25 samples</title>"))
        #expect(Self.count("class=\"series-point\"", in: svg) == 25)
    }

    @Test func anUnwritablePlotIsRefusedBeforeAnyOutput() throws {
        for command in [["show", "xor"], ["generate", "xor"]] {
            let result = try CommandRunner.run(command + ["--plot", "/nonexistent-folder/p.svg"])
            #expect(result.status == 2 && result.output.isEmpty)
            #expect(result.standardError == "nnbench: error: cannot write --plot '/nonexistent-folder/p.svg': the folder '/nonexistent-folder' does not exist\n")
        }
    }
}
