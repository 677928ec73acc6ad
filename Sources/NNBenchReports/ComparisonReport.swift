import Foundation
import NNBenchBaselines
import NNBenchChecks
import NNBenchIO

/// The outcome of comparing a run with its baselines, as a person reads it (a summary table,
/// then the details of each problem), as JSON, and as JUnit XML for CI systems.
public struct ComparisonReport: Sendable {
    /// Every entry's comparison, in suite order.
    public let comparisons: [EntryComparison]
    /// Whether an entry without a baseline (``Verdict/new``) is accepted; otherwise it could not
    /// be compared, as an unreadable baseline could not.
    public let allowsNew: Bool
    /// Whether this is one shard's report (`nnbench run --shard i/n`): each entry compared on the
    /// shard's seeds alone, new entries accepted, and a shard whose every entry is new no error.
    /// Whether the run compared anything is for `nnbench merge` to say, over every shard: which
    /// pairs a shard holds is the plan's choice, so its verdict must not depend on it.
    public let isShard: Bool
    /// What was run and against what, as `name: value` pairs in order (`suite`, `seeds`,
    /// `baselines`), written into the JSON and the JUnit properties; empty for none.
    public let context: [(name: String, value: String)]
    /// Each entry's training diagnoses by entry name, one `(seed, diagnoses)` pair per run, in
    /// seed order (docs/diagnoses.md): the JSON gives an entry that has them a `diagnoses` array.
    public var diagnoses: [String: [(seed: UInt64, diagnoses: [TrainingDiagnosis])]] = [:]

    /// Creates the report.
    ///
    /// - Parameters:
    ///   - comparisons: Every entry's comparison, in suite order.
    ///   - allowsNew: Whether entries without a baseline are accepted.
    ///   - isShard: Whether the comparisons are one shard's (``isShard``); it implies `allowsNew`.
    ///   - context: What was run and against what, as `name: value` pairs.
    public init(comparisons: [EntryComparison], allowsNew: Bool = false, isShard: Bool = false, context: [(name: String, value: String)] = []) {
        self.comparisons = comparisons
        self.allowsNew = allowsNew || isShard
        self.isShard = isShard
        self.context = context
    }

    /// The exit status the comparisons call for: 2 when an entry could not be compared (or has no
    /// baseline, unless ``allowsNew``) or when none was (every entry new, even with
    /// ``allowsNew``: it accepts entries added beside compared ones, it does not make a run that
    /// compared nothing a pass; a shard's is the merge's to judge, ``isShard``), 1 when one failed,
    /// else 0.
    public var exitCode: Int32 {
        if (comparedNothing && !isShard) || comparisons.contains(where: isError) { return 2 }
        return comparisons.contains(where: { $0.verdict.isFailure }) ? 1 : 0
    }

    /// Whether no entry was compared with a baseline: none ran, or every one is new.
    private var comparedNothing: Bool { comparisons.allSatisfy { $0.verdict == .new } }

    /// Whether an entry's comparison is an error: it could not be compared, or has no baseline
    /// and new entries are not accepted.
    private func isError(_ comparison: EntryComparison) -> Bool {
        comparison.verdict == .error || (comparison.verdict == .new && !allowsNew)
    }

    /// The summary table, the details of every entry that is not a pass, and a closing line.
    ///
    /// - Parameter passingDetails: Also the details of entries that pass (why a comparison was
    ///   statistical, whether every curve is identical), as `baseline diff` shows them.
    public func text(passingDetails: Bool = false) -> String {
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
        for comparison in comparisons where (passingDetails || comparison.verdict != .pass) && !comparison.details.isEmpty {
            lines.append("\(comparison.entry): \(comparison.verdict.rawValue)")
            lines += comparison.details.map { "  - " + $0 }
        }
        let counts = Verdict.allCases.compactMap { verdict -> String? in
            let count = comparisons.filter { $0.verdict == verdict }.count
            return count == 0 ? nil : "\(count) \(verdict.rawValue)"
        }
        if let line = statisticalSummary { lines.append(line) }
        if !comparisons.isEmpty && comparedNothing && isShard {
            lines.append("No entry of this shard has a baseline; 'nnbench merge' of every shard compares the whole run, and fails it if no entry of the run has one.")
        } else if !comparisons.isEmpty && comparedNothing {
            lines.append("No entry has a baseline, so nothing was compared: record baselines first ('nnbench baseline record ENTRY'); --allow-new accepts new entries only beside compared ones.")
        } else if comparisons.contains(where: { $0.verdict == .new }) && !allowsNew {
            lines.append("An entry without a baseline compares nothing: record its baseline ('nnbench baseline record ENTRY'), or pass --allow-new to accept it.")
        }
        lines.append((exitCode == 0 ? "OK: " : "FAILED: ") + (counts.isEmpty ? "no entry compared" : counts.joined(separator: ", ")))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A line saying how many entries were compared statistically rather than bit for bit, and
    /// why when they share one reason; `nil` when none was. The table marks exact passes
    /// `pass (exact)`, but a maintainer who expects exactness (the same engine, platform and data
    /// as the baselines') must not have to notice a missing word: an engine fingerprint that moved
    /// without a re-recording turns every exact comparison into a statistical one that still
    /// passes.
    private var statisticalSummary: String? {
        let statistical = comparisons.filter { $0.mode == .statistical }
        guard !statistical.isEmpty else { return nil }
        let prefix = "statistical comparison: "
        func reason(_ comparison: EntryComparison) -> String {
            comparison.details.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } ?? "no reason recorded"
        }
        // Entries that could not be compared (no baseline, an unreadable one) are not counted.
        let compared = comparisons.filter { $0.mode != .none }.count
        let reasons = Set(statistical.map(reason))
        var line = "Compared statistically, not bit for bit: \(statistical.count) of \(compared) compared entr\(compared == 1 ? "y" : "ies")"
        if reasons.count == 1 {
            line += " (\(Self.names(statistical)): \(reasons.first!))."
        } else if statistical.count <= 4 {
            line += " (" + statistical.map { "\($0.entry): \(reason($0))" }.joined(separator: "; ") + ")."
        } else {
            line += " (\(Self.names(statistical)); each one's reason: --json, or 'nnbench baseline diff')."
        }
        let identical = statistical.filter { $0.details.contains(BaselineComparison.identicalCurves) }
        if !identical.isEmpty {
            line += identical.count == statistical.count
                ? " Every one's curves are identical to its baseline's, bit for bit"
                : " The curves of \(Self.names(identical)) are identical to \(identical.count == 1 ? "its baseline's" : "their baselines'"), bit for bit"
            line += ": if the engine changed on purpose, re-record with 'nnbench baseline record' so that runs compare bit for bit again."
        }
        return line
    }

    /// The entries' names, the first eight of them and how many more.
    private static func names(_ comparisons: [EntryComparison]) -> String {
        let shown = comparisons.prefix(8).map(\.entry).joined(separator: ", ")
        return comparisons.count > 8 ? shown + " and \(comparisons.count - 8) more" : shown
    }

    /// One JSON object, keys sorted: the context's pairs (``context``), the exit status, and every
    /// entry's verdict, mode, target status, metrics and details. A non-finite number (a run that diverged) is written as the
    /// string `"nan"`, `"inf"` or `"-inf"`.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every field is a string, number, boolean or array of them, and non-finite numbers have
        // a string form: encoding cannot fail.
        let data = try! encoder.encode(Document(self))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// JUnit XML: one test suite, one test case per entry; a failure for a failing verdict, an
    /// error for an entry that could not be compared.
    ///
    /// - Parameter suite: The suite's name.
    public func junit(suite: String) -> String {
        let failures = comparisons.filter(\.verdict.isFailure).count
        let errors = comparisons.filter(isError).count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n  <testsuite name=\"nnbench.\(XMLText.escaped(suite))\" tests=\"\(comparisons.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        if !context.isEmpty {
            xml += "    <properties>\n"
            for (name, value) in context { xml += "      <property name=\"\(XMLText.escaped(name))\" value=\"\(XMLText.escaped(value))\"/>\n" }
            xml += "    </properties>\n"
        }
        for comparison in comparisons {
            let summary = comparison.metrics.map { "\($0.name) \(BaselineComparison.format($0.current))" }.joined(separator: "; ")
            xml += "    <testcase classname=\"nnbench.\(XMLText.escaped(suite))\" name=\"\(XMLText.escaped(comparison.entry))\">\n"
            let message = "\(comparison.verdict.rawValue): \(comparison.details.first ?? summary)"
            if comparison.verdict.isFailure {
                xml += "      <failure message=\"\(XMLText.escaped(message))\" type=\"\(XMLText.escaped(comparison.verdict.rawValue))\">\(XMLText.escaped(comparison.details.joined(separator: "\n")))</failure>\n"
            } else if isError(comparison) {
                xml += "      <error message=\"\(XMLText.escaped(message))\" type=\"error\"/>\n"
            }
            // A shard's seeds-only comparison has no metric summary: no dangling separator.
            let out = ["\(comparison.verdict.rawValue) (\(comparison.mode.rawValue))", "target \(comparison.targetStatus)", summary].filter { !$0.isEmpty }
            xml += "      <system-out>\(XMLText.escaped(out.joined(separator: "; ")))</system-out>\n"
            xml += "    </testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }
}

extension ComparisonReport {
    /// The JSON document of ``json()``.
    private struct Document: Encodable {
        let status: Int32
        let context: [(name: String, value: String)]
        let entries: [Entry]

        init(_ report: ComparisonReport) {
            status = report.exitCode
            context = report.context
            entries = report.comparisons.map { Entry($0, diagnoses: report.diagnoses[$0.entry]) }
        }

        /// The context's pairs first, then `status` and `entries` (sorted keys throughout).
        func encode(to encoder: any Encoder) throws {
            var fields = encoder.container(keyedBy: JSONPathKey.self)
            for (name, value) in context { try fields.encode(value, forKey: JSONPathKey(name)) }
            try fields.encode(status, forKey: JSONPathKey("status"))
            try fields.encode(entries, forKey: JSONPathKey("entries"))
        }
    }

    private struct Entry: Encodable {
        let entry: String
        let verdict: Verdict
        let mode: ComparisonMode
        let target: String
        let details: [String]
        let metrics: [Metric]
        let diagnoses: [SeedDiagnosis]?

        init(_ comparison: EntryComparison, diagnoses: [(seed: UInt64, diagnoses: [TrainingDiagnosis])]?) {
            self.diagnoses = diagnoses.map { runs in runs.flatMap { run in run.diagnoses.map { SeedDiagnosis(seed: run.seed, diagnosis: $0) } } }
            entry = comparison.entry
            verdict = comparison.verdict
            mode = comparison.mode
            target = comparison.targetStatus
            details = comparison.details
            metrics = comparison.metrics.map(Metric.init)
        }
    }

    /// A diagnosis with the seed of its run: `{"seed": 0, "name": ..., "subject": ..., ...}`.
    private struct SeedDiagnosis: Encodable {
        let seed: UInt64
        let diagnosis: TrainingDiagnosis

        func encode(to encoder: any Encoder) throws {
            try diagnosis.encode(to: encoder)
            var fields = encoder.container(keyedBy: JSONPathKey.self)
            try fields.encode(seed, forKey: JSONPathKey("seed"))
        }
    }

    private struct Metric: Encodable {
        let name: String
        let lowerIsBetter: Bool
        let verdict: Verdict
        let mean: Double
        let std: Double
        let seeds: Int
        let baselineMean: Double?
        let baselineStd: Double?
        let tolerance: Double?

        init(_ metric: MetricComparison) {
            name = metric.name
            lowerIsBetter = metric.lowerIsBetter
            verdict = metric.verdict
            mean = metric.current.mean
            std = metric.current.standardDeviation ?? 0
            seeds = metric.current.count
            baselineMean = metric.baseline?.mean
            baselineStd = metric.baseline.map { $0.standardDeviation ?? 0 }
            tolerance = metric.baseline.map { _ in metric.tolerance ?? 0 }
        }

        enum CodingKeys: String, CodingKey {
            case name, verdict, mean, std, seeds, tolerance
            case lowerIsBetter = "lower_is_better"
            case baselineMean = "baseline_mean"
            case baselineStd = "baseline_std"
        }
    }
}
