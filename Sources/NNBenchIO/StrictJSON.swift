/// Strict reading of nnbench's JSON files (suites, models, baselines) through `Decodable`: a
/// field that is not known is an error rather than silently ignored (a misspelt optional field
/// would otherwise leave its default in place), and a value of the wrong kind or out of range is an
/// error that says what was expected and what the file holds.
///
/// Every error is a `DecodingError` whose coding path locates the field; ``DecodingError/line(in:)``
/// turns it into the one-line message. A type lists its fields once, as the cases of its `CodingKeys`.
extension Decoder {
    /// The container of a JSON object, whatever its fields.
    ///
    /// - Parameter expected: The object in words, for the error: `"an object with a \"type\""`.
    /// - Throws: `DecodingError.typeMismatch`, `expected an object, got [1, 2]`, when the value is
    ///   not an object.
    package func objectContainer(expected: String = "an object") throws -> KeyedDecodingContainer<JSONPathKey> {
        do {
            return try container(keyedBy: JSONPathKey.self)
        } catch let error as DecodingError where error.isWrongKind(atDepth: codingPath.count) {
            let found = try singleValueContainer().decode(AnyJSON.self)
            throw DecodingError.typeMismatch(
                [String: Any].self, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(expected), got \(found.text)"))
        }
    }

    /// The container of a JSON object whose every field is one of `Key`'s cases.
    ///
    /// - Parameters:
    ///   - type: The object's keys.
    ///   - expected: The object in words, for the error when the value is not an object.
    /// - Throws: `DecodingError` for a value that is not an object, or at the first unknown field
    ///   (in sorted order): `unknown field (did you mean 'epochs'?); expected one of: ...`.
    package func strictContainer<Key: CodingKey & CaseIterable>(
        keyedBy type: Key.Type, expected: String = "an object"
    ) throws -> KeyedDecodingContainer<Key> {
        try refuseFields(otherThan: Key.allCases.map(\.stringValue), expected: expected)
        return try container(keyedBy: type)
    }

    /// Refuses a JSON object that has a field not in `known`.
    ///
    /// - Parameters:
    ///   - known: The accepted field names; none for an object that must be empty.
    ///   - expected: The object in words, for the error when the value is not an object.
    /// - Throws: `DecodingError` for a value that is not an object, or at its first unknown field.
    package func refuseFields(otherThan known: [String], expected: String = "an object") throws {
        let object = try objectContainer(expected: expected)
        guard let unknown = object.allKeys.map(\.stringValue).filter({ !known.contains($0) }).min() else { return }
        let hint = nearestName(to: unknown, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        let expected = known.isEmpty ? "an empty object" : "one of: \(known.sorted().joined(separator: ", "))"
        throw DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: codingPath + [JSONPathKey(unknown)], debugDescription: "unknown field\(hint); expected \(expected)"))
    }
}

extension KeyedDecodingContainer {
    /// A field's value as `read` makes it from the JSON written there.
    ///
    /// - Parameters:
    ///   - key: The field.
    ///   - expected: The accepted values in words, for the error: `"an integer in 1...10"`.
    ///   - fallback: The value when the field is absent; `nil` makes the field required.
    ///   - read: The value, or `nil` to refuse what was written.
    /// - Returns: The value.
    /// - Throws: `DecodingError` when the field is missing, or `expected ..., got ...` when `read`
    ///   refuses it.
    package func value<Value>(
        _ key: Key, expected: String, default fallback: Value? = nil, _ read: (AnyJSON) -> Value?
    ) throws -> Value {
        guard contains(key) else {
            guard let fallback else {
                throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing field"))
            }
            return fallback
        }
        let found = try decode(AnyJSON.self, forKey: key)
        guard let value = read(found) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected \(expected), got \(found.text)")
        }
        return value
    }

    /// A string field.
    package func string(_ key: Key, default fallback: String? = nil) throws -> String {
        try value(key, expected: "a string", default: fallback) { $0.string }
    }

    /// A whole-number field in `range`. `2.5` and `true` are refused, not rounded or converted.
    package func integer(_ key: Key, in range: ClosedRange<Int>, default fallback: Int? = nil) throws -> Int {
        try value(key, expected: "an integer in \(range.lowerBound)...\(range.upperBound)", default: fallback) { json in
            json.integer.flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A finite number field.
    package func finiteNumber(_ key: Key) throws -> Double {
        try value(key, expected: "a finite number") { json in
            if case .number(let number) = json, number.isFinite { number } else { nil }
        }
    }

    /// A field holding the raw value of one of `Value`'s cases.
    package func oneOf<Value: RawRepresentable & CaseIterable>(_ key: Key, default fallback: Value? = nil) throws -> Value
    where Value.RawValue == String {
        try value(key, expected: "one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))", default: fallback) { json in
            json.string.flatMap(Value.init(rawValue:))
        }
    }

    /// A field decoded as `type`; when it holds another kind of value, the error says which.
    ///
    /// - Parameters:
    ///   - type: The value's type.
    ///   - key: The field.
    ///   - expected: What it must be, in words: `"an array of layer objects"`.
    /// - Throws: `DecodingError`: `expected an array of layer objects, got {}` when the field
    ///   itself has the wrong kind; errors inside the value as they are.
    package func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key, expected: String) throws -> Value {
        do {
            return try decode(type, forKey: key)
        } catch let error as DecodingError where error.isWrongKind(atDepth: codingPath.count + 1) {
            let found = try decode(AnyJSON.self, forKey: key)
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected \(expected), got \(found.text)")
        }
    }

    /// Reads a file's schema number and refuses any but `current`.
    ///
    /// - Parameters:
    ///   - key: The schema field.
    ///   - current: The schema this nnbench reads.
    ///   - remedy: What to do about another schema, appended to the message.
    /// - Returns: `current`.
    /// - Throws: `DecodingError`: `this nnbench reads schema 1, the file has 2`.
    @discardableResult
    package func schema(_ key: Key, current: Int, remedy: String? = nil) throws -> Int {
        let schema = try integer(key, in: 0...Int(Int32.max))
        guard schema == current else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "this nnbench reads schema \(current), the file has \(schema)" + (remedy.map { "; \($0)" } ?? ""))
        }
        return schema
    }
}
