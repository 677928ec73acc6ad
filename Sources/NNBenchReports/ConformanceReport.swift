import Foundation
import NNBenchProtocol

/// A conformance run (``ProtocolConformance``) as a person reads it, or as JSON.
public struct ConformanceReport: Sendable {
    /// The run.
    public let result: ProtocolConformance.Result
    /// The command that started the program.
    public let command: String

    /// Creates the report.
    public init(result: ProtocolConformance.Result, command: String) {
        self.result = result
        self.command = command
    }

    /// One row per op, then every breach with its request and what to try, then the verdict.
    public var text: String {
        var lines = ["program: " + (result.program ?? command)]
        lines.append(TextTable(header: ["op", "outcome", "detail"], rows: result.steps.map { [$0.name, $0.outcome, $0.detail ?? ""] }).render())
        for violation in result.violations { lines.append(violation.description) }
        if let failure = result.failure { lines.append("the program could not be checked further: \(failure)") }
        let breaches = result.violations.count + (result.failure == nil ? 0 : 1)
        lines.append(breaches == 0
            ? "the program conforms to the protocol: every answer keeps its schema and the rules of docs/protocol.md"
            : "\(breaches) breach\(breaches == 1 ? "" : "es") of the protocol (docs/protocol.md)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run as JSON, keys sorted (the transcript left out).
    public func json() -> String {
        var result = self.result
        result.transcript = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, booleans and arrays of them: encoding cannot fail.
        return String(decoding: try! encoder.encode(result), as: UTF8.self) + "\n"
    }
}
