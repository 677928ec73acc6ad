/// What a JSON value of a protocol message may be: described once, in ``ProtocolMessages``, and
/// used both to validate a program's answers (`nnbench check --exec CMD --conformance`) and to
/// write the JSON Schema files of `docs/protocol/` (``MessageSchema/jsonSchema``), so that the
/// two cannot disagree.
indirect enum ValueSchema: Sendable {
    /// An integer of at least `minimum` (and at most `maximum`).
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    /// A number, or one of the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (the protocol's
    /// non-finite numbers; the bare tokens read as numbers).
    case number
    case boolean
    /// A string, from `values` when given.
    case string(values: [String]? = nil)
    /// `{"shape": [non-negative integers], "data": [numbers]}`.
    case tensor
    case array(ValueSchema)
    /// An object with these fields (others are allowed: a newer version may add fields).
    case object([FieldSchema])
    /// An object whose every value is of one schema, keyed by names (`{"0.weight": tensor}`).
    case map(ValueSchema)
    /// Any of several schemas.
    case anyOf([ValueSchema])
    /// Exactly this value (`"ok": true`).
    case constant(JSONValue)
}

/// A field of an object: its name, what it holds, whether it must be there, and what it means.
struct FieldSchema: Sendable {
    let name: String
    let schema: ValueSchema
    let required: Bool
    let summary: String

    init(_ name: String, _ schema: ValueSchema, required: Bool = true, _ summary: String) {
        self.name = name
        self.schema = schema
        self.required = required
        self.summary = summary
    }
}

/// One message of the protocol: the request of an op, its `ok: true` answer, or the `ok: false`
/// answer every op may give.
struct MessageSchema: Sendable {
    /// `hello.request`, `build.answer`, `error.answer`.
    let name: String
    let summary: String
    let fields: [FieldSchema]

    /// Where a value breaks the schema: the field's path, what it holds, what was expected.
    struct Violation: Sendable, Hashable, CustomStringConvertible {
        let path: String
        let found: String
        let expected: String

        var description: String { "\(path): got \(found), expected \(expected)" }
    }

    /// Every place where `value` breaks this message's schema, in field order.
    func violations(of value: JSONValue) -> [Violation] {
        ValueSchema.object(fields).violations(of: value, at: "")
    }
}

extension ValueSchema {
    /// Every place where `value`, found at `path`, breaks this schema.
    func violations(of value: JSONValue, at path: String) -> [MessageSchema.Violation] {
        func wrong() -> [MessageSchema.Violation] {
            [MessageSchema.Violation(path: path.isEmpty ? "(the message)" : path, found: value.brief, expected: expectation)]
        }
        switch self {
        case .integer(let minimum, let maximum):
            guard let integer = value.integer, integer >= (minimum ?? .min), integer <= (maximum ?? .max) else { return wrong() }
            return []
        case .number:
            return value.number == nil ? wrong() : []
        case .boolean:
            if case .bool = value { return [] }
            return wrong()
        case .string(let values):
            guard let text = value.string, values?.contains(text) ?? true else { return wrong() }
            return []
        case .tensor:
            return ValueSchema.tensorObject.violations(of: value, at: path)
        case .array(let element):
            guard case .array(let elements) = value else { return wrong() }
            return elements.enumerated().flatMap { element.violations(of: $1, at: "\(path)[\($0)]") }
        case .object(let fields):
            guard case .object(let members) = value else { return wrong() }
            return fields.flatMap { field -> [MessageSchema.Violation] in
                let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
                guard let member = members[field.name] else {
                    return field.required ? [MessageSchema.Violation(path: fieldPath, found: "nothing", expected: field.schema.expectation)] : []
                }
                return field.schema.violations(of: member, at: fieldPath)
            }
        case .map(let element):
            guard case .object(let members) = value else { return wrong() }
            return members.keys.sorted().flatMap { element.violations(of: members[$0]!, at: "\(path).\($0)") }
        case .anyOf(let schemas):
            return schemas.contains { $0.violations(of: value, at: path).isEmpty } ? [] : wrong()
        case .constant(let expected):
            return value == expected ? [] : wrong()
        }
    }

    /// The tensor's object form.
    static let tensorObject = ValueSchema.object([
        FieldSchema("shape", .array(.integer(minimum: 0)), "the dimensions, outermost first"),
        FieldSchema("data", .array(.number), "product(shape) values, row-major"),
    ])

    /// What the schema expects, in words, for messages.
    var expectation: String {
        switch self {
        case .integer(let minimum, let maximum):
            switch (minimum, maximum) {
            case (let low?, let high?): "an integer in \(low)...\(high)"
            case (let low?, nil): "an integer of at least \(low)"
            default: "an integer"
            }
        case .number: "a number (or \"NaN\", \"Infinity\", \"-Infinity\")"
        case .boolean: "true or false"
        case .string(let values): values.map { "one of \($0.map { "\"\($0)\"" }.joined(separator: ", "))" } ?? "a string"
        case .tensor: "a tensor {\"shape\": [...], \"data\": [...]}"
        case .array(let element): "an array of \(element.expectation)"
        case .object(let fields): "an object with " + (fields.filter(\.required).map(\.name).joined(separator: ", ").nonEmpty ?? "optional fields")
        case .map(let element): "an object of \(element.expectation)"
        case .anyOf(let schemas): schemas.map(\.expectation).joined(separator: " or ")
        case .constant(let value): value.brief
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
