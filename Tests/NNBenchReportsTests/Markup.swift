import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import NNBenchIO

/// An element of an XML document (SVG, XHTML), read by Foundation's XML parser: what the tests
/// look into.
final class Node {
    let name: String
    let attributes: [String: String]
    var children: [Node] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This element and every element under it, in document order.
    var all: [Node] { [self] + children.flatMap(\.all) }

    /// Every element under this one (itself included) named `name`.
    func elements(_ name: String) -> [Node] { all.filter { $0.name == name } }

    /// The text of this element and all under it.
    var allText: String { text + children.map(\.allText).joined() }

    /// The numbers of an attribute holding them separated by spaces or commas.
    func numbers(_ attribute: String) -> [Double] {
        (attributes[attribute] ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
    }
}

/// Reads markup as XML, failing with the parser's error and line for anything not well-formed.
enum Markup {
    struct NotWellFormed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ markup: String) throws -> Node {
        let parser = XMLParser(data: Data(markup.utf8))
        let builder = Builder()
        parser.delegate = builder
        // Foundation's parser on Linux can return true after libxml2 recovered from an error; the
        // error reported to the delegate, and elements left open, count too.
        guard parser.parse(), builder.error == nil, builder.stack.isEmpty, let root = builder.root else {
            let error = builder.error ?? parser.parserError
            throw NotWellFormed(description: "not well-formed XML at line \(parser.lineNumber): \(error.map { "\($0)" } ?? "unclosed elements or no root")")
        }
        return root
    }

    /// Parses `markup` and fails unless it is self-contained: no script, no attribute that
    /// points outside the document (`href`, `src` other than `#fragment` or a `data:` URI), no
    /// CSS `url(...)` but `url(#...)`, no `@import`. Namespace declarations name, never fetch.
    static func selfContained(_ markup: String) throws -> Node {
        let root = try parse(markup)
        for node in root.all {
            if node.name == "script" || node.name == "iframe" || node.name == "link" {
                throw NotWellFormed(description: "a <\(node.name)> element")
            }
            for (name, value) in node.attributes where name == "href" || name == "src" || name.hasSuffix(":href") || name == "srcset" {
                if !(value.hasPrefix("#") || value.hasPrefix("data:")) { throw NotWellFormed(description: "\(name)=\"\(value)\" refers outside the file") }
            }
            if let style = node.attributes["style"], style.contains("url(") { throw NotWellFormed(description: "style with url(): \(style)") }
        }
        for style in root.elements("style") {
            let css = style.allText
            if css.contains("@import") || css.replacingOccurrences(of: "url(#", with: "").contains("url(") {
                throw NotWellFormed(description: "a style sheet that loads something")
            }
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: Node?
        var stack: [Node] = []
        var error: Error?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            error = error ?? parseError
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = Node(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// A chart's axis as its SVG states it (`data-x-domain`, `data-x-range`, `data-x-scale` on its
/// plot area): turns a drawn position back into the value it shows.
struct DrawnAxis {
    let log: Bool
    let lower: Double, upper: Double, start: Double, end: Double

    init?(_ plotArea: Node, axis: String) {
        let domain = plotArea.numbers("data-\(axis)-domain"), range = plotArea.numbers("data-\(axis)-range")
        guard domain.count == 2, range.count == 2 else { return nil }
        log = plotArea.attributes["data-\(axis)-scale"] == "log"
        (lower, upper, start, end) = (domain[0], domain[1], range[0], range[1])
    }

    func value(_ position: Double) -> Double {
        let t = (position - start) / (end - start)
        return log ? pow(10, log10(lower) + t * (log10(upper) - log10(lower))) : lower + t * (upper - lower)
    }

    /// How far a value read back can be from the one drawn: positions are written to 1/100 of a
    /// pixel, so half of that, in value units at `value` (relative on a log axis).
    func tolerance(at value: Double) -> Double {
        let perPixel = 0.005 / Swift.abs(end - start)
        return log ? Swift.abs(value) * (pow(10, perPixel * (log10(upper) - log10(lower))) - 1) * 1.000001
            : perPixel * (upper - lower) * 1.000001
    }
}

/// A PNG file read back: checks the signature and every chunk's CRC-32, inflates the image data
/// and undoes filter type 0 (the only one nnbench writes) into RGB pixels.
struct DecodedPNG {
    let width: Int, height: Int
    let pixels: [[UInt8]]

    init(dataURI: String) throws {
        guard dataURI.hasPrefix("data:image/png;base64,"), let data = Data(base64Encoded: String(dataURI.dropFirst(22))) else {
            throw Markup.NotWellFormed(description: "not a base64 PNG data URI")
        }
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Markup.NotWellFormed(description: "no PNG signature")
        }
        var offset = 8, header: [UInt8] = [], compressed: [UInt8] = []
        func int(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while offset < bytes.count {
            let length = int(offset)
            let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            guard UInt32(int(offset + 8 + length)) == Zlib.crc32(typed) else { throw Markup.NotWellFormed(description: "bad chunk CRC") }
            let type = String(decoding: typed[0..<4], as: UTF8.self)
            if type == "IHDR" { header = Array(typed[4...]) }
            if type == "IDAT" { compressed += typed[4...] }
            offset += 12 + length
        }
        guard header.count == 13, header[8] == 8, header[9] == 2 else { throw Markup.NotWellFormed(description: "not 8-bit RGB") }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        let raw = try Zlib.decompress(compressed, limit: 1 << 26)
        guard raw.count == height * (1 + 3 * width) else { throw Markup.NotWellFormed(description: "wrong image data size") }
        var pixels: [[UInt8]] = []
        for y in 0..<height {
            let row = y * (1 + 3 * width)
            guard raw[row] == 0 else { throw Markup.NotWellFormed(description: "filter type \(raw[row])") }
            for x in 0..<width { pixels.append(Array(raw[(row + 1 + 3 * x)..<(row + 4 + 3 * x)])) }
        }
        self.pixels = pixels
    }
}
