import Foundation
import NNBenchChecks

/// A self-test sweep (``SelfTest``) as a table of margins: for each check, its runs, its false
/// alarms, and its worst load on the correct engine, with the margin `1 − load` and where it was
/// measured; then every false alarm.
public struct SelfTestReport: Sendable {
    /// The sweep.
    public let result: SelfTest.Result

    /// Creates the report.
    public init(result: SelfTest.Result) {
        self.result = result
    }

    /// The table, the false alarms, and a closing line.
    public var text: String {
        let rows = result.checks.map { record in
            [record.check, String(record.runs), String(record.alarms.count),
             record.worstLoad.map { String(format: "%.3f", $0) } ?? "-", record.worstLoad.map { String(format: "%.3f", 1 - $0) } ?? "-",
             record.worstAt]
        }
        var lines = [TextTable(header: ["check", "runs", "false alarms", "worst load", "margin", "worst at"], rows: rows).render()]
        for record in result.checks {
            lines += record.alarms.map { "false alarm: \(record.check): \($0)" }
        }
        lines += result.unchecked.map { "could not check: \($0)" }
        let alarms = result.alarms
        var verdict = alarms == 0 ? "no false alarm" : "\(alarms) false alarm\(alarms == 1 ? "" : "s")"
        if !result.unchecked.isEmpty {
            verdict += "; \(result.unchecked.count) run\(result.unchecked.count == 1 ? "" : "s") could not be checked"
        }
        if !result.comparedAnything { verdict += "; no check ran, so nothing was shown" }
        let all = result.showcases.count * result.seeds
        // A shard says what it ran, not the whole sweep it is a part of.
        let ran = result.runCount == all
            ? "\(result.showcases.count) architectures × \(result.seeds) seed\(result.seeds == 1 ? "" : "s")"
            : "\(result.runCount) of the \(all) (architecture, seed) runs"
        lines.append("\(ran) in \(result.precision): \(verdict)")
        return lines.joined(separator: "\n") + "\n"
    }
}
