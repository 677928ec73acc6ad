/// Any JSON value, decoded as it was written, so that a message can show what a file holds where
/// something else was expected: `expected a positive integer, got "x"`.
///
/// Numbers are doubles as `JSONDecoder` reads them: correctly rounded, so a long decimal such as
/// `0.012001000000000001` (the shortest text of a double that `JSONEncoder` writes) reads back as
/// that same double. A boolean is never a number, nor a number a boolean.
package enum AnyJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    /// Reads whichever kind of value is there.
    ///
    /// - Throws: `DecodingError` only when the value is malformed (a number no double holds, say).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Only a type mismatch moves on to the next kind, so that any other failure is reported as
        // it is. Strings come before numbers: a decoder that reads "nan" as a number (a baseline's
        // non-finite losses) must not turn a string field into one.
        func attempt<Value: Decodable>(_ type: Value.Type) throws -> Value? {
            do { return try container.decode(type) } catch DecodingError.typeMismatch { return nil }
        }
        if container.decodeNil() {
            self = .null
        } else if let flag = try attempt(Bool.self) {
            self = .bool(flag)
        } else if let text = try attempt(String.self) {
            self = .string(text)
        } else if let number = try attempt(Double.self) {
            self = .number(number)
        } else if let elements = try attempt([AnyJSON].self) {
            self = .array(elements)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    /// The string, when the value is one.
    package var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The number, when the value is an integer that a double holds exactly (at most 2⁵³ in size).
    package var integer: Int? {
        guard case .number(let value) = self, value == value.rounded(), abs(value) <= 0x1p53 else { return nil }
        return Int(value)
    }

    /// The value as short, one-line JSON for messages: `"x"`, `2.5`, `true`, `null`, `[1, 8]`,
    /// `{"units": 2}`; past 60 characters it is cut with `…`.
    package var text: String {
        let full = switch self {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .number(let value): canonicalNumberText(value)
        // Swift's quoting escapes newlines and quotes, which keeps a message on one line.
        case .string(let text): text.debugDescription
        case .array(let elements): "[" + elements.map(\.text).joined(separator: ", ") + "]"
        case .object(let fields): "{" + fields.keys.sorted().map { "\($0.debugDescription): \(fields[$0]!.text)" }.joined(separator: ", ") + "}"
        }
        return full.count > 60 ? full.prefix(59) + "…" : full
    }
}
