import Foundation
import NNBenchIO

/// Reading JSON objects, as Foundation's `JSONSerialization` decodes them or as Swift
/// literals build them, into calls of the spec language so that JSON fields are validated by
/// the same ``OptionReader`` as options in text.
enum JSONObjectReading {
    /// Reads a JSON object with a `"type"` into a call whose named arguments are the other fields.
    ///
    /// - Parameters:
    ///   - object: The decoded object.
    ///   - path: Its path, for errors (`layers[2]`, `optimizer`).
    ///   - layerIndex: The layer's index, when the object is a layer.
    /// - Returns: The call.
    /// - Throws: ``SpecError`` when `object` is not an object or has no string `"type"`.
    static func call(_ object: Any, path: String, layerIndex: Int? = nil) throws(SpecError) -> SpecCall {
        guard let fields = object as? [String: Any] else {
            throw SpecError("expected an object with a \"type\", got \(text(of: object))", subject: path, layerIndex: layerIndex)
        }
        guard let type = fields["type"] else {
            throw SpecError("missing field \"type\"", subject: path, layerIndex: layerIndex)
        }
        guard let name = type as? String else {
            throw SpecError("expected a string, got \(text(of: type))", subject: "\(path).type", layerIndex: layerIndex)
        }
        let arguments = fields.keys.sorted().filter { $0 != "type" }.map { key in
            SpecArgument(label: key, value: value(of: fields[key]!), text: text(of: fields[key]!), range: nil)
        }
        return SpecCall(name: name, arguments: arguments, range: 0..<0)
    }

    /// A JSON value as an argument value. Booleans are told from numbers by type, since
    /// `JSONSerialization` gives both as `NSNumber`.
    static func value(of value: Any) -> SpecValue {
        if let bool = value as? Bool, isBoolean(value) { return .bool(bool) }
        if let number = value as? NSNumber { return .number(number.doubleValue) }
        if let string = value as? String { return .string(string) }
        return .unsupported
    }

    /// A JSON value as JSON text, for messages: `"x"`, `16.5`, `true`, `null`, `[1, 2]`.
    static func text(of value: Any) -> String {
        switch Self.value(of: value) {
        case .bool(let bool): return String(bool)
        case .number(let number): return canonicalNumberText(number)
        case .string(let string): return "\"\(string)\""
        case .call, .unsupported:
            if value is NSNull { return "null" }
            if let array = value as? [Any] { return "[\(array.map(text(of:)).joined(separator: ", "))]" }
            return "an object"
        }
    }

    private static func isBoolean(_ value: Any) -> Bool {
        if type(of: value) == Bool.self { return true }
        guard let number = value as? NSNumber, type(of: value) != Int.self, type(of: value) != Double.self else { return false }
        return String(cString: number.objCType) == "c"
    }
}
