import NNBench

/// The human form of check results: a table, then the diagnoses.
struct CheckReportText {
    let results: [CheckResult]

    var text: String {
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

/// The bug × check matrix as a Markdown table, with its legend and verdict.
struct FaultMatrixText {
    let matrix: FaultMatrix

    var markdown: String {
        var lines = ["| bug | " + matrix.checks.joined(separator: " | ") + " |"]
        lines.append("|---|" + matrix.checks.map { _ in ":-:|" }.joined())
        for (fault, _) in matrix.rows {
            lines.append("| `\(fault.rawValue)` | " + matrix.checks.map { matrix.cell(fault, $0) }.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("X caught (the check failed), . passed, - skipped, E error.")
        let uncaught = matrix.uncaughtFaults, idle = matrix.checksThatNeverFailed
        lines.append(uncaught.isEmpty ? "Every bug is caught by at least one check." : "Uncaught bugs: \(uncaught.map(\.rawValue).joined(separator: ", ")).")
        lines.append(idle.isEmpty ? "Every check catches at least one bug." : "Checks that caught nothing: \(idle.joined(separator: ", ")).")
        return lines.joined(separator: "\n") + "\n"
    }
}
