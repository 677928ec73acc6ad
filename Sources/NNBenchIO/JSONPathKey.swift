/// A coding key for any field name or array index, so that a decoder can list the fields an
/// object really has and an error can name any place in a file.
///
/// A key may carry a label that messages show after it: an entry's index with its name,
/// `entries[3] ('xor')`, says which entry is meant without counting.
package struct JSONPathKey: CodingKey, Hashable, Sendable {
    package var stringValue: String
    package var intValue: Int?
    /// Text shown after the key in a path, e.g. `'xor'`.
    package var label: String?

    /// The key of the field `name`.
    package init(_ name: String) {
        self.stringValue = name
    }

    /// The key of the element at `index` of an array.
    package init(index: Int) {
        self.stringValue = "\(index)"
        self.intValue = index
    }

    /// `key`, labelled.
    ///
    /// - Parameters:
    ///   - key: A field name or an index.
    ///   - label: What to show after it.
    package init(_ key: any CodingKey, label: String) {
        self.stringValue = key.stringValue
        self.intValue = key.intValue
        self.label = label
    }

    package init?(stringValue: String) {
        self.init(stringValue)
    }

    package init?(intValue: Int) {
        self.init(index: intValue)
    }
}

extension Array where Element == any CodingKey {
    /// The path as messages write it, `entries[3] ('xor').target.value`; empty for the document.
    package var jsonPath: String {
        var text = ""
        for key in self {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
            if let label = (key as? JSONPathKey)?.label { text += " (\(label))" }
        }
        return text
    }
}
