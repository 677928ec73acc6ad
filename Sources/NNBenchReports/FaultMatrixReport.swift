import NNBenchChecks

/// The bug × check matrix (``FaultMatrix``) as a Markdown table, with its legend and verdict, as
/// `docs/checks.md` shows it.
public struct FaultMatrixReport: Sendable {
    /// The matrix.
    public let matrix: FaultMatrix

    /// Creates the report.
    public init(matrix: FaultMatrix) {
        self.matrix = matrix
    }

    /// The Markdown table, the legend, and which bugs went uncaught and which checks caught nothing.
    public var markdown: String {
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
