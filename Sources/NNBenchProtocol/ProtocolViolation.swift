/// An answer that breaks the model protocol, as `nnbench check --exec CMD --conformance` reports
/// it: the op, the request, what the program sent against what was expected, and what to try.
public struct ProtocolViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The op whose answer breaks a rule.
    public let op: String
    /// The request, as sent (shortened past 300 characters).
    public let request: String
    /// What the program sent and what was expected: `params[1].shape: got "2", expected ...`.
    public let what: String
    /// What to try.
    public let hint: String

    public var description: String { "\(op): \(what)\n  request: \(request)\n  try: \(hint)" }
}
