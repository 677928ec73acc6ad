/// A recursive-descent parser for the spec language:
///
/// ```
/// sequence := call (('->')? call)*
/// call     := identifier ('(' (argument (',' argument)* ','?)? ')')?
/// argument := (identifier ':')? value
/// value    := number | call          // `true` and `false` are booleans
/// ```
///
/// Parsing takes time linear in the text's length: the text is split into characters once, and
/// every message or argument text is cut from that one array.
struct SpecParser {
    /// The longest spec text read, in characters: far more than any architecture nnbench can
    /// train needs (7,000 `dense(1)` layers), and short enough to be read in milliseconds.
    static let maximumLength = 65_536
    /// How deeply calls may nest as values (`init: constant(0.5)` is depth 2); a bound keeps the
    /// recursive descent's stack small whatever the text.
    static let maximumDepth = 8

    private let source: String
    private let characters: [Character]
    private let tokens: [SpecToken]
    private var position = 0

    private init(source: String) throws(SpecError) {
        self.source = source
        // Counted before splitting, so that an over-long text costs no more than its length.
        let length = source.count
        guard length <= Self.maximumLength else {
            throw SpecError("the spec is \(length) characters long; at most \(Self.maximumLength) are accepted")
        }
        characters = Array(source)
        tokens = try SpecLexer.tokens(of: source, characters: characters)
    }

    /// Parses calls separated by whitespace or `->`: the layers of an architecture, the parts of
    /// a schedule.
    ///
    /// - Parameters:
    ///   - source: The spec text.
    ///   - noun: What a call is, for messages (`"a layer name"`).
    /// - Returns: The calls in order; empty for blank text.
    /// - Throws: ``SpecError`` at the first token that does not fit the grammar.
    static func sequence(_ source: String, noun: String) throws(SpecError) -> [SpecCall] {
        var parser = try SpecParser(source: source)
        var calls: [SpecCall] = []
        while parser.current.kind != .end {
            if !calls.isEmpty, parser.current.kind == .arrow { parser.position += 1 }
            calls.append(try parser.call(noun: noun, depth: 1))
        }
        return calls
    }

    /// Parses exactly one call: an optimizer, a clip, an initializer given as JSON text.
    ///
    /// - Parameters:
    ///   - source: The spec text.
    ///   - noun: What the call is, for messages (`"an optimizer name"`).
    /// - Returns: The call.
    /// - Throws: ``SpecError`` when the text is not one call.
    static func single(_ source: String, noun: String) throws(SpecError) -> SpecCall {
        var parser = try SpecParser(source: source)
        let call = try parser.call(noun: noun, depth: 1)
        guard parser.current.kind == .end else {
            throw parser.unexpected("expected only one \(noun.droppingArticle)")
        }
        return call
    }

    private var current: SpecToken { tokens[position] }

    private mutating func call(noun: String, depth: Int) throws(SpecError) -> SpecCall {
        guard case .identifier(let name) = current.kind else {
            throw unexpected("expected \(noun)")
        }
        guard depth <= Self.maximumDepth else {
            throw unexpected("calls nest more than \(Self.maximumDepth) deep")
        }
        let start = current.range.lowerBound
        position += 1
        guard current.kind == .openParenthesis else {
            return SpecCall(name: name, arguments: [], range: start..<tokens[position - 1].range.upperBound)
        }
        position += 1
        var arguments: [SpecArgument] = []
        while current.kind != .closeParenthesis {
            arguments.append(try argument(of: name, depth: depth))
            switch current.kind {
            case .comma: position += 1
            case .closeParenthesis: break
            case .end: throw unexpected("expected ')' to close '\(name)('")
            default: throw unexpected("expected ',' or ')' after an argument of '\(name)'")
            }
        }
        position += 1
        return SpecCall(name: name, arguments: arguments, range: start..<tokens[position - 1].range.upperBound)
    }

    private mutating func argument(of name: String, depth: Int) throws(SpecError) -> SpecArgument {
        let start = current.range.lowerBound
        var label: String?
        if case .identifier(let word) = current.kind, tokens[position + 1].kind == .colon {
            label = word
            position += 2
        }
        let valueStart = current.range.lowerBound
        let value: SpecValue
        switch current.kind {
        case .number(let number):
            value = .number(number)
            position += 1
        case .identifier("true") where tokens[position + 1].kind != .openParenthesis:
            value = .bool(true)
            position += 1
        case .identifier("false") where tokens[position + 1].kind != .openParenthesis:
            value = .bool(false)
            position += 1
        case .identifier:
            value = .call(try call(noun: "a value", depth: depth + 1))
        default:
            let what = label.map { "a value for '\($0)'" } ?? "an argument of '\(name)'"
            throw unexpected("expected \(what)")
        }
        let end = tokens[position - 1].range.upperBound
        let text = String(characters[valueStart..<end])
        return SpecArgument(label: label, value: value, text: text, range: start..<end)
    }

    /// An error at the current token: `expectation, found 'token'`.
    private func unexpected(_ expectation: String) -> SpecError {
        let token = current
        let found = token.kind == .end ? "end of input" : "'\(String(characters[token.range]))'"
        return SpecError("\(expectation), found \(found)", subject: "column \(token.range.lowerBound + 1)", source: source, range: token.range)
    }
}

extension String {
    /// The text without a leading `a ` or `an `.
    fileprivate var droppingArticle: String {
        if hasPrefix("an ") { return String(dropFirst(3)) }
        if hasPrefix("a ") { return String(dropFirst(2)) }
        return self
    }
}
