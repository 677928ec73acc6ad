import NNBenchDatasets

/// Reads one JSON text (RFC 8259, plus the bare tokens `NaN`, `Infinity` and `-Infinity` that
/// Python's `json` writes) within limits, so that no answer from a program, however malformed,
/// can crash or exhaust nnbench: every failure is a ``JSONReadError`` naming what and where.
struct JSONReader {
    /// The deepest nesting of arrays and objects accepted.
    var maxDepth = 64
    /// The most values (numbers, strings, ... containers included) in one text.
    var maxValues = 20_000_000

    /// Parses `bytes` as exactly one JSON value, surrounded by optional whitespace.
    func read(_ bytes: [UInt8]) throws(JSONReadError) -> JSONValue {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth, maxValues: maxValues)
        return try parser.document()
    }
}

/// Why a text is not acceptable JSON, with the byte offset where reading stopped.
struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    var message: String
    /// The 0-based byte offset in the text.
    var offset: Int

    var description: String { "\(message) at byte \(offset)" }
}

private struct Parser {
    let bytes: [UInt8]
    let maxDepth: Int
    let maxValues: Int
    var position = 0
    var depth = 0
    var values = 0

    init(bytes: [UInt8], maxDepth: Int, maxValues: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.maxValues = maxValues
    }

    mutating func document() throws(JSONReadError) -> JSONValue {
        let value = try self.value()
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected \(found) after the value") }
        return value
    }

    private var found: String {
        guard position < bytes.count else { return "end of text" }
        let byte = bytes[position]
        return (0x20..<0x7f).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func fail(_ message: String) -> JSONReadError { JSONReadError(message: message, offset: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[position]) { position += 1 }
    }

    private mutating func value() throws(JSONReadError) -> JSONValue {
        skipWhitespace()
        values += 1
        guard values <= maxValues else { throw fail("more than \(maxValues) values") }
        guard position < bytes.count else { throw fail("expected a value, found end of text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try container(close: UInt8(ascii: "}")) { (p: inout Parser, fields: inout [String: JSONValue]) throws(JSONReadError) in
            p.skipWhitespace()
            guard p.position < p.bytes.count, p.bytes[p.position] == UInt8(ascii: "\"") else { throw p.fail("expected a key string, found \(p.found)") }
            let keyOffset = p.position
            let key = try p.string()
            p.skipWhitespace()
            guard p.position < p.bytes.count, p.bytes[p.position] == UInt8(ascii: ":") else { throw p.fail("expected ':', found \(p.found)") }
            p.position += 1
            let value = try p.value()
            guard fields.updateValue(value, forKey: key) == nil else {
                throw JSONReadError(message: "duplicate key \"\(key)\"", offset: keyOffset)
            }
        }
        case UInt8(ascii: "["): return try container(close: UInt8(ascii: "]")) { (p: inout Parser, elements: inout [JSONValue]) throws(JSONReadError) in
            elements.append(try p.value())
        }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try literal("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I"):
            position += 1
            try literal("Infinity")
            return .number(-.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("expected a value, found \(found)")
        }
    }

    /// An object or an array: `element` reads one member into the accumulated result.
    private mutating func container<Result: ContainerResult>(
        close: UInt8, element: (inout Parser, inout Result) throws(JSONReadError) -> Void
    ) throws(JSONReadError) -> JSONValue {
        depth += 1
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        position += 1
        var result = Result()
        skipWhitespace()
        if position < bytes.count, bytes[position] == close {
            position += 1
        } else {
            while true {
                try element(&self, &result)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated \(close == UInt8(ascii: "]") ? "array" : "object")") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == close { position += 1; break }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(found)")
            }
        }
        depth -= 1
        return result.json
    }

    private mutating func literal(_ word: String) throws(JSONReadError) {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw fail("expected a value, found \(found)")
        }
        position += utf8.count
    }

    private mutating func number() throws(JSONReadError) -> Double {
        let start = position
        func digits(_ p: inout Parser) -> Int {
            let from = p.position
            while p.position < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.position]) { p.position += 1 }
            return p.position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw fail("expected a digit, found \(found)") }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
            throw JSONReadError(message: "a number with a leading zero", offset: integerStart)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw fail("expected a digit after '.', found \(found)") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw fail("expected a digit in the exponent, found \(found)") }
        }
        // The grammar above is a subset of what Double(_:) accepts, so this conversion succeeds;
        // a too-large exponent becomes ±infinity, a value the checks then judge.
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw JSONReadError(message: "an unreadable number", offset: start)
        }
        return value
    }

    private mutating func string() throws(JSONReadError) -> String {
        let start = position
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(_ p: Parser, upTo end: Int, into scalars: inout String.UnicodeScalarView) throws(JSONReadError) {
            guard runStart < end else { return }
            guard let text = String(validating: p.bytes[runStart..<end], as: UTF8.self) else {
                throw JSONReadError(message: "a string that is not valid UTF-8", offset: runStart)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard position < bytes.count else { throw JSONReadError(message: "unterminated string", offset: start) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                try flushRun(self, upTo: position, into: &scalars)
                position += 1
                return String(scalars)
            }
            guard byte >= 0x20 else { throw fail("a control character in a string") }
            guard byte == UInt8(ascii: "\\") else { position += 1; continue }
            try flushRun(self, upTo: position, into: &scalars)
            position += 1
            guard position < bytes.count else { throw JSONReadError(message: "unterminated string", offset: start) }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count,
                   bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("an unpaired surrogate in a string") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("an unpaired surrogate in a string") }
                scalars.append(scalar)
            default:
                position -= 1
                throw fail("an invalid escape \\\(found.trimmingQuotes)")
            }
            runStart = position
        }
    }

    private mutating func hex4() throws(JSONReadError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("a truncated \\u escape") }
        var code: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw fail("a \\u escape with a non-hex digit") }
            code = code << 4 | UInt32(digit)
        }
        position += 4
        return code
    }
}

/// What ``Parser`` accumulates while reading a container.
private protocol ContainerResult {
    init()
    var json: JSONValue { get }
}

extension Dictionary: ContainerResult where Key == String, Value == JSONValue {
    fileprivate var json: JSONValue { .object(self) }
}

extension Array: ContainerResult where Element == JSONValue {
    fileprivate var json: JSONValue { .array(self) }
}

private extension String {
    var trimmingQuotes: String { String(self.filter { $0 != "'" }) }
}
