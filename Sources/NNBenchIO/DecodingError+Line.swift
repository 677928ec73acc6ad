extension DecodingError {
    /// The place at fault, as messages write it: `entries[3] ('xor').batch_size`; empty when the
    /// document as a whole is at fault.
    package var fieldPath: String {
        context.codingPath.jsonPath
    }

    /// What is wrong at ``fieldPath``, without the place: `missing field 'epochs'`,
    /// `expected an integer in 1...1000000, got 0`, `not valid JSON`.
    package var problem: String {
        switch self {
        case .keyNotFound(let key, _):
            return "missing field '\(key.stringValue)'"
        case .valueNotFound(let type, _):
            return "expected \(type), got null"
        case .typeMismatch(_, let context):
            return Self.clause(context.debugDescription)
        case .dataCorrupted(let context):
            // The strict readers always name a field; only the parser fails at the document.
            return context.codingPath.isEmpty ? "not valid JSON" : Self.clause(context.debugDescription)
        @unknown default:
            return Self.clause(context.debugDescription)
        }
    }

    /// The error in one line: `suite 'x.json', entries[3] ('xor').batch_size: expected an integer
    /// in 1...1000000, got 0`.
    ///
    /// - Parameter root: The document, e.g. `suite 'x.json'`; empty to start at the path.
    /// - Returns: `root, path: problem`, leaving out what is empty.
    package func line(in root: String) -> String {
        let place = [root, fieldPath].filter { !$0.isEmpty }.joined(separator: ", ")
        return place.isEmpty ? problem : "\(place): \(problem)"
    }

    /// The same error with the key at the end of `path` labelled, e.g. an entry's index with its
    /// name, when the error lies within `path`.
    ///
    /// - Parameters:
    ///   - path: The coding path of the labelled value.
    ///   - label: The label, e.g. `'xor'`.
    /// - Returns: The error with the labelled path.
    package func labelling(_ path: [any CodingKey], with label: String) -> DecodingError {
        var codingPath = context.codingPath
        guard let last = path.last, codingPath.count >= path.count else { return self }
        codingPath[path.count - 1] = JSONPathKey(last, label: label)
        let labelled = DecodingError.Context(codingPath: codingPath, debugDescription: context.debugDescription, underlyingError: context.underlyingError)
        switch self {
        case .keyNotFound(let key, _): return .keyNotFound(key, labelled)
        case .valueNotFound(let type, _): return .valueNotFound(type, labelled)
        case .typeMismatch(let type, _): return .typeMismatch(type, labelled)
        case .dataCorrupted: return .dataCorrupted(labelled)
        @unknown default: return self
        }
    }

    /// Whether the value `depth` keys down the path itself has the wrong kind or is null, rather
    /// than something within it.
    package func isWrongKind(atDepth depth: Int) -> Bool {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context): context.codingPath.count == depth
        default: false
        }
    }

    private var context: Context {
        switch self {
        case .keyNotFound(_, let context), .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context):
            return context
        @unknown default:
            return Context(codingPath: [], debugDescription: "\(self)")
        }
    }

    /// A description as a clause of a message: `Expected to decode Int but found a string
    /// instead.` becomes `expected to decode Int but found a string instead`.
    private static func clause(_ description: String) -> String {
        let trimmed = description.hasSuffix(".") ? String(description.dropLast()) : description
        return trimmed.prefix(1).lowercased() + trimmed.dropFirst()
    }
}
