import NNBenchChecks
import NNBenchFaults

/// The bug × check matrix (``FaultMatrix``) as a Markdown table, with its legend and verdict, as
/// `docs/checks.md` shows it.
public struct FaultMatrixReport: Sendable {
    /// The matrix.
    public let matrix: FaultMatrix

    /// Creates the report.
    public init(matrix: FaultMatrix) {
        self.matrix = matrix
    }

    /// The Markdown table (a column per check, then where the bug is located and whether that is
    /// right), the legend, and which bugs went uncaught or unlocated and which checks caught nothing.
    public var markdown: String {
        var lines = ["| bug | " + matrix.checks.joined(separator: " | ") + " | located |"]
        lines.append("|---|" + matrix.checks.map { _ in ":-:|" }.joined() + "---|")
        for (fault, _) in matrix.rows {
            lines.append("| `\(fault.rawValue)` | " + matrix.checks.map { matrix.cell(fault, $0) }.joined(separator: " | ") + " | \(located(fault)) |")
        }
        lines.append("")
        lines.append("X caught (the check failed), . passed, - skipped, E error. Located: the place named by the first failing check in "
            + "the order \(FaultMatrix.localisationOrder.prefix(3).joined(separator: ", ")), then the others, and the check; "
            + "✓ the bug's place, ✗ another (what it should be in brackets).")
        let uncaught = matrix.uncaughtFaults, idle = matrix.checksThatNeverFailed, mislocated = matrix.mislocatedFaults
        lines.append(uncaught.isEmpty ? "Every bug is caught by at least one check." : "Uncaught bugs: \(uncaught.map(\.rawValue).joined(separator: ", ")).")
        lines.append(idle.isEmpty ? "Every check catches at least one bug." : "Checks that caught nothing: \(idle.joined(separator: ", ")).")
        lines.append(
            mislocated.isEmpty ? "Every bug is located where it is."
                : "Bugs not located where they are: \(mislocated.map(\.rawValue).joined(separator: ", ")).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fault's located cell: `layer 3 (relu) ✓ (input-gradient)`.
    private func located(_ fault: Fault) -> String {
        let expected = fault.site.description(in: Showcase.showcase(for: fault).architectureSpec)
        guard let (check, location, right) = matrix.located(fault) else { return "— ✗ [\(expected)]" }
        return "\(location.description) " + (right ? "✓" : "✗ [\(expected)]") + " (\(check))"
    }
}
