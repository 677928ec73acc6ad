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

    /// One row per op, then every breach with its request and what to try, the warnings, the ops
    /// left undriven, then the verdict: a program conforms only when every op was driven.
    public var text: String {
        var lines = ["program: " + (result.program ?? command)]
        if let network = result.network { lines.append("network: " + network) }
        lines.append(TextTable(header: ["op", "outcome", "detail"], rows: result.steps.map { [$0.name, $0.outcome, $0.detail ?? ""] }).render())
        for violation in result.violations { lines.append(violation.description) }
        if let failure = result.failure { lines.append("the program could not be checked further: \(failure)") }
        for warning in result.warnings { lines.append("warning: " + warning) }
        let breaches = result.violations.count + (result.failure == nil ? 0 : 1)
        let undriven = result.undriven
        if breaches > 0 { lines.append("\(breaches) breach\(breaches == 1 ? "" : "es") of the protocol (docs/protocol.md)") }
        if !undriven.isEmpty {
            lines.append((breaches == 0 ? "the program is not shown to conform: " : "")
                + "\(undriven.count) op\(undriven.count == 1 ? " was" : "s were") not driven, so \(undriven.count == 1 ? "its answer is" : "their answers are") unchecked:")
            lines += Self.grouped(undriven).map { "  " + $0 }
            if let hint = result.hint { lines.append("try: " + hint) }
        }
        if result.conforms {
            lines.append("the program conforms to the protocol: every answer keeps its schema and the rules of docs/protocol.md")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Consecutive ops left undriven for the same reason share a line: `get_params, set_params, ...: not run: no network was built`.
    private static func grouped(_ steps: [ProtocolConformance.Step]) -> [String] {
        var groups: [(names: [String], why: String)] = []
        for step in steps {
            let why = step.outcome + (step.detail.map { ": " + $0 } ?? "")
            if groups.last?.why == why { groups[groups.count - 1].names.append(step.name) } else { groups.append(([step.name], why)) }
        }
        return groups.map { $0.names.joined(separator: ", ") + ": " + $0.why }
    }

    /// The run as JSON, keys sorted: what the program said, the network, every op's outcome,
    /// the violations and warnings, and the verdict (`conforms`, the ops left `undriven`, the
    /// `hint`); the transcript is left out (`--record` writes it).
    public func json() -> String {
        let view = JSONView(
            program: result.program, network: result.network, steps: result.steps, violations: result.violations,
            failure: result.failure, warnings: result.warnings, conforms: result.conforms,
            undriven: result.undriven.map(\.name), hint: result.hint)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, booleans and arrays of them: encoding cannot fail.
        return String(decoding: try! encoder.encode(view), as: UTF8.self) + "\n"
    }

    /// The JSON form: the result's stored fields and what it computes.
    private struct JSONView: Encodable {
        let program: String?
        let network: String?
        let steps: [ProtocolConformance.Step]
        let violations: [ProtocolViolation]
        let failure: String?
        let warnings: [String]
        let conforms: Bool
        let undriven: [String]
        let hint: String?
    }
}
