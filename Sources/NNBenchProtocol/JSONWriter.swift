import Foundation
import NNBenchEngine

/// Writes requests compactly: no spaces, keys sorted (so a request reads the same in every log),
/// numbers in their shortest round-trip form. nnbench never sends a non-finite number, so one
/// is refused rather than written.
enum JSONWriter {
    /// Why a value cannot be sent.
    struct NonFiniteNumber: Error {}

    /// The compact JSON text of `value`.
    static func write(_ value: JSONValue) throws(NonFiniteNumber) -> [UInt8] {
        var output: [UInt8] = []
        try write(value, into: &output)
        return output
    }

    /// A finite number as JSON: integers without a fraction, others with Swift's shortest
    /// representation that reads back to the same Double.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 0x1p53 { return String(Int(value)) }
        return "\(value)"
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) throws(NonFiniteNumber) {
        switch value {
        case .null: output += "null".utf8
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        case .number(let number):
            guard number.isFinite else { throw NonFiniteNumber() }
            output += self.number(number).utf8
        case .string(let text): string(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                try write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                string(key, into: &output)
                output.append(UInt8(ascii: ":"))
                try write(fields[key]!, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func string(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += #"\""#.utf8
            case UInt8(ascii: "\\"): output += #"\\"#.utf8
            case UInt8(ascii: "\n"): output += #"\n"#.utf8
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                output += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// A tensor as the protocol writes it: `{"shape": [...], "data": [...]}`, data row-major.
    init(tensor: Tensor<Double>) {
        self = .object(["shape": .array(tensor.shape.map { .number(Double($0)) }), "data": .array(tensor.scalars.map { .number($0) })])
    }

    /// A value as its `Encodable` conformance writes it (``ModelSpec``, ``OptimizerSpec``), so that
    /// a request carries the same JSON as a file: one definition of each.
    ///
    /// - Throws: ``JSONWriter/NonFiniteNumber`` when the value holds a non-finite number, which
    ///   `JSONEncoder` refuses and nnbench never sends.
    init(encoding value: some Encodable, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws(JSONWriter.NonFiniteNumber) {
        let bytes: Data
        let encoder = JSONEncoder()
        encoder.userInfo = userInfo
        do { bytes = try encoder.encode(value) } catch { throw JSONWriter.NonFiniteNumber() }
        // JSONEncoder writes RFC 8259 JSON, well within the reader's limits for a model or an optimizer.
        self = try! JSONReader().read(Array(bytes))
    }
}
