import Foundation
import NNBenchChecks

/// Check results as a person reads them: a table (check, status, figure, bound), then, for each
/// check that did not pass, its diagnosis and likely causes.
public struct CheckReport: Sendable {
    /// The results, in the battery's order.
    public let results: [CheckResult]

    /// Creates the report.
    public init(results: [CheckResult]) {
        self.results = results
    }

    /// The results as a JSON array, keys sorted.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A load is infinite when a check measured a non-finite figure: written as the protocol
        // writes non-finite numbers. Strings, numbers, booleans and arrays of them: encoding cannot fail.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(results), as: UTF8.self) + "\n"
    }

    /// The table and the diagnoses, ending in a newline.
    public var text: String {
        let table = TextTable(
            header: ["check", "status", "figure", "bound"],
            rows: results.map { [$0.check, $0.status.rawValue, $0.figure, $0.bound] })
        var lines: [String] = []
        for result in results where result.status != .passed {
            guard let diagnosis = result.diagnosis else { continue }
            lines.append("\(result.check): \(diagnosis)")
            if !result.likelyCauses.isEmpty { lines.append("  likely causes: \(result.likelyCauses.joined(separator: "; "))") }
        }
        return table.render() + (lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n") + "\n")
    }
}
