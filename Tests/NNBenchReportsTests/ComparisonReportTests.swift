import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBenchBaselines
import NNBenchHarness
import NNBenchReports
import Testing

/// The run report's three forms: what a person, a script and a CI system read.
@Suite("comparison report")
struct ComparisonReportTests {
    static func comparison(_ entry: String, verdict: Verdict, mean: Double, details: [String] = []) -> EntryComparison {
        let metric = MetricComparison(
            name: "test accuracy", lowerIsBetter: false, current: Summary([mean, mean]), baseline: Summary([0.5, 0.75]),
            tolerance: 0.25, verdict: verdict)
        return EntryComparison(entry: entry, mode: .statistical, metrics: [metric], targetStatus: "met 2/2", verdict: verdict, details: details)
    }

    @Test func theExitStatusIsTheWorstVerdicts() {
        #expect(ComparisonReport(comparisons: [Self.comparison("a", verdict: .pass, mean: 1)]).exitCode == 0)
        #expect(ComparisonReport(comparisons: [Self.comparison("a", verdict: .pass, mean: 1), Self.comparison("b", verdict: .regressed, mean: 0)]).exitCode == 1)
        let unreadable = EntryComparison.unreadable("c", error: BaselineError(path: "c.json.gz", problem: "damaged"))
        #expect(ComparisonReport(comparisons: [Self.comparison("b", verdict: .regressed, mean: 0), unreadable]).exitCode == 2)
    }

    /// Every entry new compared nothing: status 2 for a run even with --allow-new; a shard leaves
    /// that to the merge, but still fails on what it can see.
    @Test func aShardWhoseEveryEntryIsNewLeavesTheVerdictToTheMerge() {
        let new = [Self.comparison("a", verdict: .new, mean: 1), Self.comparison("b", verdict: .new, mean: 1)]
        #expect(ComparisonReport(comparisons: new).exitCode == 2)
        #expect(ComparisonReport(comparisons: new, allowsNew: true).exitCode == 2)
        let shard = ComparisonReport(comparisons: new, isShard: true)
        #expect(shard.exitCode == 0 && shard.allowsNew && shard.text().contains("No entry of this shard has a baseline; 'nnbench merge'"))
        #expect(ComparisonReport(comparisons: new + [Self.comparison("c", verdict: .missedTarget, mean: 0)], isShard: true).exitCode == 1)
    }

    @Test func theJSONHasEveryFieldAndSurvivesANonFiniteMean() throws {
        let report = ComparisonReport(comparisons: [Self.comparison("diverged", verdict: .regressed, mean: .nan, details: ["a & b"])])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 1)
        let entry = try #require((object["entries"] as? [[String: Any]])?.first)
        #expect(entry["entry"] as? String == "diverged" && entry["verdict"] as? String == "regressed")
        #expect(entry["mode"] as? String == "statistical" && entry["target"] as? String == "met 2/2")
        let metric = try #require((entry["metrics"] as? [[String: Any]])?.first)
        #expect(metric["mean"] as? String == "nan")
        #expect(metric["baseline_mean"] as? Double == 0.625 && metric["tolerance"] as? Double == 0.25)
        #expect(metric["lower_is_better"] as? Bool == false && metric["seeds"] as? Int == 2)
    }

    @Test func theJUnitIsWellFormedXMLWithEscapedText() throws {
        let report = ComparisonReport(comparisons: [
            Self.comparison("ok", verdict: .pass, mean: 1), Self.comparison("x<y", verdict: .regressed, mean: 0, details: ["\"a\" & 'b'"]),
        ])
        let xml = report.junit(suite: "tiny")
        #expect(xml.contains("tests=\"2\" failures=\"1\" errors=\"0\""))
        #expect(xml.contains("name=\"x&lt;y\"") && xml.contains("&quot;a&quot; &amp; &apos;b&apos;"))
        // Foundation's XML parser refuses anything that is not well-formed.
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    /// A run that could not compare bit for bit says so in one line above the counts, with the
    /// reason its entries share, and when their curves match anyway, that a re-recording is due:
    /// an engine fingerprint that moved on purpose must not leave CI comparing statistically.
    @Test func statisticalComparisonsAreSaidAboveTheCounts() {
        let reason = "statistical comparison: the engine fingerprint differs (b581aa5a3dce vs the baseline's c22bccfd3cc3)"
        let moved = (0..<3).map { Self.comparison("e\($0)", verdict: .pass, mean: 1, details: [reason, BaselineComparison.identicalCurves]) }
        let text = ComparisonReport(comparisons: moved).text()
        #expect(text.contains("\nCompared statistically, not bit for bit: 3 of 3 compared entries (e0, e1, e2: the engine fingerprint differs (b581aa5a3dce vs the baseline's c22bccfd3cc3)). "
            + "Every one's curves are identical to its baseline's, bit for bit: if the engine changed on purpose, re-record with 'nnbench baseline record'"), "\(text)")
        #expect(text.hasSuffix("OK: 3 pass\n"))
        let exact = EntryComparison(entry: "x", mode: .exact, metrics: moved[0].metrics, targetStatus: "met 2/2", verdict: .pass, details: [])
        #expect(!ComparisonReport(comparisons: [exact]).text().contains("statistically"))
        let mixed = ComparisonReport(comparisons: [exact, moved[1], Self.comparison("arch", verdict: .pass, mean: 1, details: ["statistical comparison: the entry differs"])]).text()
        #expect(mixed.contains("Compared statistically, not bit for bit: 2 of 3 compared entries (e1: the engine fingerprint differs (b581aa5a3dce vs the baseline's c22bccfd3cc3); arch: the entry differs). "
            + "The curves of e1 are identical to its baseline's, bit for bit"), "\(mixed)")
        // An entry that could not be compared is not counted among the compared ones.
        let unreadable = EntryComparison.unreadable("broken", error: BaselineError(path: "broken.json.gz", problem: "damaged"))
        #expect(ComparisonReport(comparisons: [moved[0], unreadable]).text().contains("1 of 1 compared entry (e0: "))
    }

    @Test func theTextEndsWithTheCounts() {
        let text = ComparisonReport(comparisons: [Self.comparison("a", verdict: .pass, mean: 1), Self.comparison("b", verdict: .improved, mean: 1)]).text()
        #expect(text.hasSuffix("OK: 1 pass, 1 improved\n"))
    }
}
