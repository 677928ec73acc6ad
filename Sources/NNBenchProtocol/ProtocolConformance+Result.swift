extension ProtocolConformance {
    /// How one op went.
    public struct Step: Sendable, Hashable, Codable {
        /// The op and its mode, e.g. `gradients (training, trace)`.
        public let name: String
        /// `conforms`, `breaks the protocol`, `refused` (an `ok: false` answer: allowed, but the
        /// answer could not be checked), `not offered` (an optional op the program does not
        /// list, or one of a later protocol version than its own) or `not run` (nnbench could
        /// not send it: the program failed earlier, or no network was built).
        public let outcome: String
        /// The reason of a refusal or of a skip.
        public let detail: String?

        /// Whether the op was meant to be driven and was not, so that its answer went unchecked.
        public var isUndriven: Bool { outcome == "refused" || outcome == "not run" }
    }

    /// The outcome of a conformance run.
    public struct Result: Sendable, Codable {
        /// What the program said in `hello`, once it said it: name, precision, version.
        public var program: String?
        /// What nnbench built, in words (`dense(5) tanh dense(2) on 3 inputs, loss mse`), once
        /// `hello` said what the program offers.
        public var network: String?
        /// Every op driven, in order.
        public var steps: [Step] = []
        /// Every breach found.
        public var violations: [ProtocolViolation] = []
        /// What ended the program early, if something did.
        public var failure: String?
        /// Doubtful answers that break no rule: an op name in `hello` that nnbench ignores.
        public var warnings: [String] = []
        /// Every request and answer line, when recorded.
        public var transcript: [String] = []

        /// The ops that were meant to be driven and were not (refused, or not run), in order.
        public var undriven: [Step] { steps.filter(\.isUndriven) }

        /// Whether the program kept every rule in every op nnbench meant to drive. An op left
        /// undriven leaves its answer unchecked, so a run with one does not conform.
        public var conforms: Bool { violations.isEmpty && failure == nil && undriven.isEmpty }

        /// What to try when ops went undriven, in one line; `nil` when none did.
        public var hint: String? {
            guard !undriven.isEmpty else { return nil }
            let record = "--record FILE keeps every request and answer to read"
            if failure != nil { return "fix the failure above, then run again; \(record)" }
            if undriven.contains(where: { $0.outcome == "refused" }) {
                return "answer these requests, which use only what the program's hello offers, or take what it cannot do out of hello's"
                    + " lists (layers, losses, optimizers, ops); \(record)"
            }
            return "fix what the details above say, then run again; \(record)"
        }
    }
}
