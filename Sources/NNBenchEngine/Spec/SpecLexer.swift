/// A token of the spec language.
struct SpecToken: Sendable, Hashable {
    /// What the token is.
    enum Kind: Sendable, Hashable {
        case identifier(String)
        case number(Double)
        case openParenthesis
        case closeParenthesis
        case comma
        case colon
        case arrow
        case end
    }

    var kind: Kind
    /// The token's characters in the source; an empty range at the end for ``Kind/end``.
    var range: Range<Int>
}

/// Splits spec text into tokens: identifiers (`leaky_relu`), numbers (`16`, `-0.5`, `1e-5`),
/// `(`, `)`, `,`, `:` and `->`. Whitespace separates tokens and is otherwise ignored.
enum SpecLexer {
    /// Returns the tokens of `source`, ending with an ``SpecToken/Kind/end`` token.
    ///
    /// - Parameters:
    ///   - source: The spec text, for messages.
    ///   - characters: Its characters, split once by the caller.
    /// - Throws: ``SpecError`` at the first character that starts no token.
    static func tokens(of source: String, characters: [Character]) throws(SpecError) -> [SpecToken] {
        var tokens: [SpecToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let start = index
            if character.isWhitespace {
                index += 1
                continue
            }
            if character.isLetter || character == "_" {
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
                    index += 1
                }
                tokens.append(SpecToken(kind: .identifier(String(characters[start..<index])), range: start..<index))
                continue
            }
            if character.isASCIIDigit || (character == "-" && characters.indices.contains(index + 1) && characters[index + 1].isASCIIDigit) {
                index = endOfNumber(in: characters, from: index)
                let text = String(characters[start..<index])
                guard let value = Double(text) else {
                    throw SpecError("malformed number '\(text)'", subject: "column \(start + 1)", source: source, range: start..<index)
                }
                tokens.append(SpecToken(kind: .number(value), range: start..<index))
                continue
            }
            let kind: SpecToken.Kind
            switch character {
            case "(": kind = .openParenthesis
            case ")": kind = .closeParenthesis
            case ",": kind = .comma
            case ":": kind = .colon
            case "-" where characters.indices.contains(index + 1) && characters[index + 1] == ">":
                index += 1
                kind = .arrow
            default:
                throw SpecError("unexpected character '\(character)'", subject: "column \(start + 1)", source: source, range: start..<start + 1)
            }
            index += 1
            tokens.append(SpecToken(kind: kind, range: start..<index))
        }
        tokens.append(SpecToken(kind: .end, range: characters.count..<characters.count))
        return tokens
    }

    /// The index after a number starting at `start`: an optional minus, digits, an optional
    /// fraction and an optional exponent. A trailing letter stays in the number so that `3x` is
    /// reported as malformed rather than read as `3` and `x`.
    private static func endOfNumber(in characters: [Character], from start: Int) -> Int {
        var index = start
        func skipDigits() {
            while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        }
        if characters[index] == "-" { index += 1 }
        skipDigits()
        if index < characters.count, characters[index] == "." {
            index += 1
            skipDigits()
        }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            index += 1
            if index < characters.count, characters[index] == "-" || characters[index] == "+" { index += 1 }
            skipDigits()
        }
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" || characters[index] == "." {
            index += 1
        }
        return index
    }
}

extension Character {
    /// Whether the character is one of `0`...`9`.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
