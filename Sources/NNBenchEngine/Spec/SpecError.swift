/// A spec (an architecture, optimizer, schedule or clip) that cannot be read or cannot work,
/// reported as a compiler would: what is wrong, and where.
///
/// ``description`` is one line (`layer 3 'dense(16)': expects a flat input ...`); ``rendered``
/// adds the source line and a caret line under the offending part.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, without the location.
    public let message: String
    /// What is at fault: `layer 3 'dense(16)'`, `layers[2].units`, `column 9`; `nil` when the
    /// message names it itself.
    public let subject: String?
    /// The spec's text as the user wrote it; empty for JSON models.
    public let source: String
    /// The offending part of ``source``, in character offsets; `nil` when the spec has no text
    /// (JSON models, which ``subject`` locates by path instead).
    public let range: Range<Int>?
    /// The index of the offending layer, activations included, when a layer is at fault.
    public let layerIndex: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - subject: What is at fault, or `nil`.
    ///   - source: The spec's text.
    ///   - range: The offending characters of `source`, or `nil`.
    ///   - layerIndex: The offending layer's index, or `nil`.
    public init(_ message: String, subject: String? = nil, source: String = "", range: Range<Int>? = nil, layerIndex: Int? = nil) {
        self.message = message
        self.subject = subject
        self.source = source
        self.range = range
        self.layerIndex = layerIndex
    }

    /// The error in one line: `subject: message`.
    public var description: String {
        subject.map { "\($0): \(message)" } ?? message
    }

    /// The error as a compiler prints it: ``description``, then the source line that holds the
    /// offending part and a caret line (`^~~~`) under it. Without a range, only ``description``.
    public var rendered: String {
        guard let range else { return description }
        let characters = Array(source)
        let start = min(max(range.lowerBound, 0), characters.count)
        let lineStart = characters[..<start].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = characters[start...].firstIndex(of: "\n") ?? characters.count
        let line = String(characters[lineStart..<lineEnd])
        let width = max(1, min(range.upperBound, lineEnd) - start)
        let caret = String(repeating: " ", count: start - lineStart) + "^" + String(repeating: "~", count: width - 1)
        return "\(description)\n\(line)\n\(caret)"
    }
}
