import Foundation
import NNBenchChecks
import NNBenchModel

/// What `nnbench check --exec` found, per architecture: what the program said of itself, and for
/// each architecture whether it could be checked and the battery's results, as text or JSON.
public struct ProgramCheckReport: Encodable, Sendable {
    /// What the program said in `hello`.
    public struct Program: Encodable, Sendable {
        /// The program's name.
        public let name: String
        /// `float32` or `float64`.
        public let precision: String
        /// The ops it offers, sorted.
        public let ops: [String]

        /// The program as its `hello` described it.
        public init(_ info: ModelInfo) {
            name = info.name
            precision = info.precision.rawValue
            ops = info.ops.map(\.rawValue).sorted()
        }
    }

    /// Whether an architecture could be checked.
    public enum Status: String, Encodable, Sendable {
        /// The battery ran (its results say how it went).
        case checked
        /// The program declined a layer type of it: not a failure for a default architecture.
        case unsupported
        /// The program broke the protocol; ``Entry/failure`` says how.
        case error
    }

    /// One architecture's outcome.
    public struct Entry: Encodable, Sendable {
        /// The architecture's short name (`mlp`, or `arch` for the user's `--arch`).
        public let name: String
        /// The architecture, in spec form.
        public let architecture: String
        /// The task it was checked on.
        public let task: String
        /// Whether it could be checked.
        public var status = Status.checked
        /// Why it is unsupported.
        public var reason: String?
        /// The battery's results.
        public var results: [CheckResult] = []
        /// How the program broke the protocol, if it did.
        public var failure: String?
        /// What went wrong when the program was ended, if anything.
        public var shutdown: String?

        /// An architecture about to be checked.
        public init(name: String, architecture: String, task: String) {
            self.name = name
            self.architecture = architecture
            self.task = task
        }
    }

    /// The command that started the program.
    public let command: String
    /// What the program said in `hello`, once it said it.
    public var program: Program?
    /// One entry per architecture, in order.
    public var entries: [Entry] = []

    /// An empty report on the program `command`.
    public init(command: String) {
        self.command = command
    }

    /// The report as JSON, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A load is infinite when a check measured a non-finite figure: written as the protocol
        // writes non-finite numbers. Strings, numbers, booleans and arrays of them: encoding cannot fail.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The report as text: the program, then each architecture's table and diagnoses, then totals.
    public var text: String {
        var text = "program: " + (program.map { "\($0.name) (\($0.precision); ops: \($0.ops.joined(separator: ", ")))" } ?? command) + "\n"
        for entry in entries {
            text += "\n\(entry.name): \(entry.architecture) on \(entry.task)\n"
            if entry.status == .unsupported { text += "unsupported: \(entry.reason ?? "")\n" }
            if !entry.results.isEmpty { text += CheckReport(results: entry.results).text }
            if let failure = entry.failure { text += "the program could not be checked: \(failure)\n" }
            if let shutdown = entry.shutdown { text += "at shutdown: \(shutdown)\n" }
        }
        let count = { (status: Status) in entries.filter { $0.status == status }.count }
        let results = entries.flatMap(\.results)
        let errors = results.filter { $0.status == .error }.count
        // An architecture checked with some checks in error was checked in part only: said so, so
        // that "0 could not be checked" does not read as every check having run.
        let partial = entries.filter { $0.status == .checked && $0.results.contains { $0.status == .error } }.count
        text += "\n\(count(.checked)) architecture\(count(.checked) == 1 ? "" : "s") checked"
            + (partial > 0 ? " (\(partial) in part only: checks in error)" : "")
            + ", \(count(.unsupported)) unsupported, \(count(.error)) could not be checked; "
            + "checks: \(results.filter { $0.status == .passed }.count) passed, \(results.filter { $0.status == .failed }.count) failed, "
            + "\(results.filter { $0.status == .skipped }.count) skipped, \(errors) error\(errors == 1 ? "" : "s")\n"
        return text
    }
}
