import NNBenchBaselines
import NNBenchDatasets
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// A suite run as one self-contained HTML page (`nnbench run --report`): a table of every
/// entry's verdict against its baseline, then a section per entry with its comparison and the
/// ``TrainingReport`` of its seeds (learning curves of every seed and their mean; layers,
/// activations and data of the first seed).
public struct RunReport: Sendable {
    /// One entry: what ran, its runs, and their comparison with the baseline.
    public struct Entry: Sendable {
        /// The entry as run (task, resolved architecture, target).
        public let prepared: PreparedEntry
        /// Its seeds' records.
        public let result: EntryResult
        /// Its comparison with its baseline.
        public let comparison: EntryComparison
        /// The baseline it was compared with, when there is one: its curves are drawn under the runs'.
        public let baseline: BaselineRecord?

        /// Creates an entry.
        public init(prepared: PreparedEntry, result: EntryResult, comparison: EntryComparison, baseline: BaselineRecord? = nil) {
            self.prepared = prepared
            self.result = result
            self.comparison = comparison
            self.baseline = baseline
        }
    }

    /// The entries, in suite order.
    public let entries: [Entry]
    /// Whether entries without a baseline are accepted (`--allow-new`); otherwise they fail the
    /// run, as in ``ComparisonReport/exitCode``.
    public let allowsNew: Bool
    /// Whether the entries are one shard's (``ComparisonReport/isShard``): new entries are
    /// accepted, and all of them new is for the merge to judge.
    public let isShard: Bool
    /// Lines under the title: the command.
    public let summary: [String]
    /// The most threads that draw the entries' sections; the page is the same at any number.
    public let threads: Int

    /// Creates a report, drawn on up to `threads` threads; `isShard` implies `allowsNew`.
    public init(entries: [Entry], allowsNew: Bool = false, isShard: Bool = false, summary: [String] = [], threads: Int = 1) {
        self.entries = entries
        self.allowsNew = allowsNew || isShard
        self.isShard = isShard
        self.summary = summary
        self.threads = threads
    }

    /// The page's markup.
    public var html: String {
        let overview = HTMLPage.Section(
            id: "verdicts", heading: "Verdicts",
            body: HTML.table(
                header: ["entry", "verdict", "mode", "target", "metric", "result", "baseline"],
                rows: entries.flatMap { entry in rows(entry.comparison) }))
        // Each entry's section on its own thread, as the entries were trained: one thread would
        // write the page of `run all` in a tenth of the run's time.
        let sections = entries.concurrentMap(threads: threads) { entry in
            let comparison = entry.comparison
            var body = HTML.table(header: ["entry", "verdict", "mode", "target", "metric", "result", "baseline"], rows: rows(comparison))
            body += HTML.list(comparison.details)
            var children: [HTMLPage.Section] = []
            if !entry.result.runs.isEmpty {
                var training = TrainingReport(
                    task: entry.prepared.task, architecture: entry.prepared.resolved, target: entry.prepared.entry.target,
                    records: entry.result.runs)
                training.idPrefix = HTML.id(comparison.entry) + "-"
                training.baseline = entry.baseline?.seeds.map(\.curve) ?? []
                training.diagnoses = entry.result.diagnoses
                body += training.summaryLines.map { HTML.paragraph($0, note: true) }.joined()
                children = training.sections
            }
            return HTMLPage.Section(id: HTML.id(comparison.entry), heading: "\(comparison.entry): \(comparison.verdict.rawValue)", body: body, children: children)
        }
        let failing = entries.filter { fails($0.comparison.verdict) }.count
        // As ComparisonReport's exit status: a run whose every entry is new compared nothing; a
        // shard's is the merge's to judge.
        let counts: String
        if !entries.allSatisfy({ $0.comparison.verdict == .new }) {
            counts = "\(entries.count - failing) entries passed, \(failing) did not"
        } else if isShard {
            counts = "\(entries.count) entries new: no entry of this shard has a baseline; 'nnbench merge' of every shard compares the whole run"
        } else {
            counts = "\(entries.count) entries new: no entry has a baseline, so nothing was compared (not a pass)"
        }
        return HTMLPage(
            title: "nnbench: run of \(entries.count) entr\(entries.count == 1 ? "y" : "ies")",
            summary: [counts] + summary, sections: [overview] + sections
        ).rendered
    }

    /// Whether a verdict makes the run exit non-zero: a failure, an entry that could not be
    /// compared, or a new one without ``allowsNew``.
    private func fails(_ verdict: Verdict) -> Bool {
        verdict.isFailure || verdict == .error || (verdict == .new && !allowsNew)
    }

    /// One row per compared metric (or one for an entry without), the verdict coloured.
    private func rows(_ comparison: EntryComparison) -> [[HTML.Cell]] {
        let good: Bool? = fails(comparison.verdict) ? false : comparison.verdict == .pass || comparison.verdict == .improved ? true : nil
        let verdict = HTML.Cell.status(comparison.verdict.rawValue, good: good)
        let head: [HTML.Cell] = [HTML.Cell(comparison.entry), verdict, HTML.Cell(comparison.mode.rawValue), HTML.Cell(comparison.targetStatus)]
        guard !comparison.metrics.isEmpty else { return [head + ["", "", ""]] }
        return comparison.metrics.enumerated().map { index, metric in
            (index == 0 ? head : ["", "", "", ""]) + [
                HTML.Cell(metric.name + (metric.lowerIsBetter ? " ↓" : " ↑")), .number(BaselineComparison.format(metric.current)),
                .number(metric.baseline.map(BaselineComparison.format) ?? "-"),
            ]
        }
    }
}
