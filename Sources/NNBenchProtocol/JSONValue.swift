/// A JSON value as the model protocol carries it: numbers are Doubles (non-finite ones included,
/// since a program may answer `NaN`), objects are dictionaries with unique keys.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The number, reading the strings `"NaN"`, `"Infinity"` and `"-Infinity"` as the protocol allows.
    var number: Double? {
        switch self {
        case .number(let value): value
        case .string("NaN"): .nan
        case .string("Infinity"): .infinity
        case .string("-Infinity"): -.infinity
        default: nil
        }
    }

    /// The number when it is an integer that fits in an `Int`.
    var integer: Int? {
        guard case .number(let value) = self, value == value.rounded(), abs(value) < 0x1p53 else { return nil }
        return Int(value)
    }

    /// The text when this is a string.
    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value under `key` when this is an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[key]
    }

    /// A short JSON-like rendering for error messages.
    var brief: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): value.isFinite ? JSONWriter.number(value) : "\(value)"
        case .string(let value): "\"\(value.count > 40 ? value.prefix(40) + "…" : value)\""
        case .array(let values): "an array of \(values.count)"
        case .object(let fields): "an object with keys \(fields.keys.sorted().prefix(8))"
        }
    }
}
