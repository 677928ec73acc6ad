import Foundation
import NNBenchChecks
import NNBenchReports
import Testing

/// `--json` of a check run: a non-finite load (a check that measured an infinite or NaN figure)
/// is written as the protocol writes non-finite numbers, never a crash; a location is kept.
@Suite("check report JSON")
struct CheckReportTests {
    @Test func nonFiniteLoadsAndLocationsAreWritten() throws {
        let results = [
            CheckResult(check: "known-answers", status: .failed, figure: "w nan", bound: "≤ 0.01", diagnosis: "d", load: .infinity),
            CheckResult(check: "gradient", status: .failed, load: .nan, location: .layers([LayerLocation(index: 3, type: "relu")])),
        ]
        let text = CheckReport(results: results).json()
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(array[0]["load"] as? String == "Infinity")
        #expect(array[1]["load"] as? String == "NaN")
        #expect((array[1]["location"] as? [String: Any])?["place"] as? String == "layers")
        var program = ProgramCheckReport(command: "p")
        var entry = ProgramCheckReport.Entry(name: "mlp", architecture: "dense(1)", task: "sum")
        entry.results = results
        program.entries = [entry]
        #expect(program.json().contains("\"load\":\"Infinity\""))
    }

    /// An architecture whose checks partly ended in error is counted as checked in part only, so
    /// that the summary agrees with its error count (trial 3: "0 could not be checked … 2 errors").
    @Test func partlyCheckedArchitectureIsSaidSo() {
        var program = ProgramCheckReport(command: "p")
        var entry = ProgramCheckReport.Entry(name: "rnn", architecture: "rnn(3, sequence: false) dense(1)", task: "adding")
        entry.results = [CheckResult(check: "init", status: .passed), CheckResult(check: "gradient", status: .error, diagnosis: "the model could not be checked")]
        program.entries = [entry]
        #expect(program.text.contains("1 architecture checked (1 in part only: checks in error), 0 unsupported, 0 could not be checked; "), "\(program.text)")
        program.entries[0].results.removeLast()
        #expect(program.text.contains("1 architecture checked, 0 unsupported"), "\(program.text)")
    }
}
