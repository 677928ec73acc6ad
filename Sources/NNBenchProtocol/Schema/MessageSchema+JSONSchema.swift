import Foundation
import NNBenchModel

extension MessageSchema {
    /// The message as a JSON Schema (draft 2020-12) document, pretty-printed with sorted keys:
    /// the file `docs/protocol/NAME.schema.json`.
    var jsonSchema: String {
        var document = ValueSchema.object(fields).jsonSchema
        guard case .object(var members) = document else { return "" }
        members["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        members["$id"] = .string("https://nnbench.invalid/protocol/\(name).schema.json")
        members["title"] = .string("nnbench model protocol, version \(ModelInfo.current): \(name)")
        members["description"] = .string(summary)
        members["$defs"] = .object(["tensor": ValueSchema.tensorObject.jsonSchema, "number": ValueSchema.numberSchema])
        document = .object(members)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A schema holds strings, integers, booleans, arrays and objects only.
        return String(decoding: try! encoder.encode(document), as: UTF8.self) + "\n"
    }
}

extension ValueSchema {
    /// The JSON Schema of a value.
    var jsonSchema: JSONValue {
        switch self {
        case .integer(let minimum, let maximum):
            var members: [String: JSONValue] = ["type": .string("integer")]
            if let minimum { members["minimum"] = .number(Double(minimum)) }
            if let maximum { members["maximum"] = .number(Double(maximum)) }
            return .object(members)
        case .number:
            return .object(["$ref": .string("#/$defs/number")])
        case .boolean:
            return .object(["type": .string("boolean")])
        case .string(let values):
            var members: [String: JSONValue] = ["type": .string("string")]
            if let values { members["enum"] = .array(values.map(JSONValue.string)) }
            return .object(members)
        case .tensor:
            return .object(["$ref": .string("#/$defs/tensor")])
        case .array(let element):
            return .object(["type": .string("array"), "items": element.jsonSchema])
        case .object(let fields):
            var properties: [String: JSONValue] = [:]
            for field in fields {
                guard case .object(var members) = field.schema.jsonSchema else { continue }
                members["description"] = .string(field.summary)
                properties[field.name] = .object(members)
            }
            return .object([
                "type": .string("object"), "properties": .object(properties),
                "required": .array(fields.filter(\.required).map { .string($0.name) }),
            ])
        case .map(let element):
            return .object(["type": .string("object"), "additionalProperties": element.jsonSchema])
        case .anyOf(let schemas):
            return .object(["anyOf": .array(schemas.map(\.jsonSchema))])
        case .constant(let value):
            return .object(["const": value])
        }
    }

    /// A number, or one of the protocol's strings for the non-finite numbers.
    static let numberSchema = JSONValue.object([
        "anyOf": .array([
            .object(["type": .string("number")]),
            .object(["enum": .array(["NaN", "Infinity", "-Infinity"].map(JSONValue.string))]),
        ])
    ])
}

extension JSONValue: Encodable {
    /// Encodes the value as the JSON it is; integers that are whole numbers stay integers.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number):
            if let integer { try container.encode(integer) } else { try container.encode(number) }
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
