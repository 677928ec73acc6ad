import Foundation
import NNBench

/// The outcome of comparing a run with baselines, as a person reads it (a summary table, then the
/// details of each problem), as JSON, and as JUnit XML for CI systems.
struct ComparisonReport {
    let comparisons: [EntryComparison]

    /// Exit status 2 when an entry could not be compared, 1 when one failed, else 0.
    var exitCode: Int32 {
        if comparisons.contains(where: { $0.verdict == .error }) { return 2 }
        return comparisons.contains(where: { $0.verdict.isFailure }) ? 1 : 0
    }

    /// The summary table, the details of every entry that is not a pass, and a closing line.
    func text() -> String {
        var table = TextTable(header: ["entry", "metric", "result", "baseline", "verdict", "target"])
        for comparison in comparisons {
            if comparison.metrics.isEmpty {
                table.rows.append([comparison.entry, "", "", "", comparison.verdict.rawValue, comparison.targetStatus])
            }
            for (index, metric) in comparison.metrics.enumerated() {
                let verdict = index == 0 ? comparison.verdict.rawValue + (comparison.mode == .exact ? " (exact)" : "") : "  " + metric.verdict.rawValue
                table.rows.append([
                    index == 0 ? comparison.entry : "", metric.name + (metric.lowerIsBetter ? " ↓" : " ↑"),
                    BaselineComparison.format(metric.current), metric.baseline.map(BaselineComparison.format) ?? "-",
                    verdict, index == 0 ? comparison.targetStatus : "",
                ])
            }
        }
        var lines = [table.render()]
        for comparison in comparisons where comparison.verdict != .pass && !comparison.details.isEmpty {
            lines.append("\(comparison.entry): \(comparison.verdict.rawValue)")
            lines += comparison.details.map { "  - " + $0 }
        }
        let counts = Verdict.allCases.compactMap { verdict -> String? in
            let count = comparisons.filter { $0.verdict == verdict }.count
            return count == 0 ? nil : "\(count) \(verdict.rawValue)"
        }
        lines.append((exitCode == 0 ? "OK: " : "FAILED: ") + counts.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One JSON object: every entry's verdict, mode, target status, metrics and details.
    func json() -> String {
        let entries: [[String: Any]] = comparisons.map { comparison in
            [
                "entry": comparison.entry, "verdict": comparison.verdict.rawValue, "mode": comparison.mode.rawValue,
                "target": comparison.targetStatus, "details": comparison.details,
                "metrics": comparison.metrics.map { metric -> [String: Any] in
                    var object: [String: Any] = [
                        "name": metric.name, "lower_is_better": metric.lowerIsBetter, "verdict": metric.verdict.rawValue,
                        "mean": metric.current.mean, "std": metric.current.standardDeviation ?? 0, "seeds": metric.current.count,
                    ]
                    if let baseline = metric.baseline {
                        object["baseline_mean"] = baseline.mean
                        object["baseline_std"] = baseline.standardDeviation ?? 0
                        object["tolerance"] = metric.tolerance ?? 0
                    }
                    return object
                },
            ]
        }
        let object: [String: Any] = ["status": exitCode, "entries": entries]
        // Every value is a string, number, boolean, array or object: serialisation cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// JUnit XML: one test suite, one test case per entry; a failure for a failing verdict, an
    /// error for an entry that could not be compared.
    ///
    /// - Parameter suite: The suite's name.
    func junit(suite: String) -> String {
        let failures = comparisons.filter(\.verdict.isFailure).count
        let errors = comparisons.filter { $0.verdict == .error }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n  <testsuite name=\"nnbench.\(escape(suite))\" tests=\"\(comparisons.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for comparison in comparisons {
            let summary = comparison.metrics.map { "\($0.name) \(BaselineComparison.format($0.current))" }.joined(separator: "; ")
            xml += "    <testcase classname=\"nnbench.\(escape(suite))\" name=\"\(escape(comparison.entry))\">\n"
            let message = "\(comparison.verdict.rawValue): \(comparison.details.first ?? summary)"
            if comparison.verdict.isFailure {
                xml += "      <failure message=\"\(escape(message))\" type=\"\(escape(comparison.verdict.rawValue))\">\(escape(comparison.details.joined(separator: "\n")))</failure>\n"
            } else if comparison.verdict == .error {
                xml += "      <error message=\"\(escape(message))\" type=\"error\"/>\n"
            }
            xml += "      <system-out>\(escape("\(comparison.verdict.rawValue) (\(comparison.mode.rawValue)); target \(comparison.targetStatus); \(summary)"))</system-out>\n"
            xml += "    </testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }

    private func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
