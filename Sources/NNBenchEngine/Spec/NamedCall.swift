import NNBenchIO

/// Reading a spec that is one named call or a short sequence of them (an optimizer, a clip, a
/// schedule), from text or from a JSON object, with the same messages for unknown names.
enum NamedCall {
    /// Where a call came from, and the error site for its options.
    struct Located {
        /// The call.
        var call: SpecCall
        /// Where it came from.
        var site: ErrorSite
    }

    /// The calls of spec text, each with a text error site whose subject is `kind 'name'`.
    ///
    /// - Parameters:
    ///   - text: The spec text.
    ///   - kind: What the spec is, for messages (`"optimizer"`).
    /// - Returns: The calls in order.
    /// - Throws: ``SpecError`` when the text does not parse.
    static func parse(_ text: String, kind: String) throws(SpecError) -> [Located] {
        try SpecParser.sequence(text, noun: "\(kind.article) \(kind) name").map { call in
            Located(call: call, site: .text(text, subject: "\(kind) '\(call.name)'", range: call.range))
        }
    }

    /// The error for a call whose name is none of `known`, suggesting the nearest.
    ///
    /// - Parameters:
    ///   - located: The call.
    ///   - kind: What it should have named (`"optimizer"`).
    ///   - known: The accepted names.
    /// - Returns: `unknown optimizer 'adm'; did you mean 'adam'?`, pointing at the call.
    static func unknown(_ located: Located, kind: String, known: [String]) -> SpecError {
        let name = located.call.name
        let hint = nearestName(to: name, in: known).map { "did you mean '\($0)'?" } ?? "known: \(known.joined(separator: ", "))"
        let message = "unknown \(kind) '\(name)'; \(hint)"
        let site = located.site
        return site.isJSON
            ? SpecError(message, subject: "\(site.subject).type")
            : SpecError(message, source: site.source, range: site.range)
    }
}

extension String {
    /// `a` or `an`, as the word needs.
    fileprivate var article: String {
        "aeiou".contains(first ?? "x") ? "an" : "a"
    }
}
