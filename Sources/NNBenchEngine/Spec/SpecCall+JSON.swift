import NNBenchIO

extension SpecCall {
    /// Reads a JSON object with a `"type"` (a layer, an optimizer) into a call whose named
    /// arguments are its other fields, so that they are validated by the same ``OptionReader`` as
    /// options in text, with the same messages.
    ///
    /// - Parameter decoder: The object's decoder.
    /// - Throws: `DecodingError` when the value is not an object, or has no string `"type"`.
    init(jsonObjectFrom decoder: any Decoder) throws {
        let object = try decoder.objectContainer(expected: #"an object with a "type""#)
        let type = JSONPathKey("type")
        let name = try object.string(type)
        // In sorted order, so that the first of several bad fields is the one reported, every time.
        let keys = object.allKeys.filter { $0 != type }.sorted { $0.stringValue < $1.stringValue }
        let arguments = try keys.map { key in
            let value = try object.decode(AnyJSON.self, forKey: key)
            return SpecArgument(label: key.stringValue, value: SpecValue(value), text: value.text, range: nil)
        }
        self.init(name: name, arguments: arguments, range: 0..<0)
    }
}

extension SpecValue {
    /// A JSON value as an argument value; what no option accepts (null, arrays, objects) is
    /// ``unsupported``.
    init(_ json: AnyJSON) {
        switch json {
        case .number(let number): self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .string(text)
        case .null, .array, .object: self = .unsupported
        }
    }
}
