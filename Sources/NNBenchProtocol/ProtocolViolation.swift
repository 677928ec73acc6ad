/// An answer that breaks the model protocol, as `nnbench check --exec CMD --conformance` reports
/// it: the op, the request, what the program sent against what was expected, and what to try.
public struct ProtocolViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The op whose answer breaks a rule.
    public let op: String
    /// The request, as sent (shortened past 300 characters).
    public let request: String
    /// The answer's field that breaks the rule, as a path (`params[1].shape`, `grads.0.weight`),
    /// or `nil` when the breach is not in one field.
    public let field: String?
    /// What the program sent and what was expected: `params[1].shape: got "2", expected ...`.
    public let what: String
    /// What to try.
    public let hint: String

    init(op: String, request: String, field: String? = nil, what: String, hint: String) {
        self.op = op
        self.request = request
        self.field = field
        self.what = what
        self.hint = hint
    }

    public var description: String { "\(op): \(what)\n  request: \(request)\n  try: \(hint)" }
}
