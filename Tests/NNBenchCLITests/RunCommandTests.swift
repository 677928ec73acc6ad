import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBench
import Testing

/// `nnbench run` and `nnbench baseline` as a user (or CI) runs them, on a tiny suite.
@Suite("nnbench run and baseline")
struct RunCommandTests {
    static let suite = """
        {"schema": 1, "name": "tiny", "entries": [
         {"name": "xor", "task": "xor", "architecture": "dense(4) tanh dense(1)", "optimizer": "adam(lr: 0.05)", "batch_size": 4, "epochs": 60, "seeds": [0, 1, 2, 3, 4], "target": {"split": "train", "metric": "accuracy", "value": 1}},
         {"name": "xor-linear", "task": "xor", "architecture": "dense(1)", "optimizer": "adam(lr: 0.05)", "batch_size": 4, "epochs": 3, "seeds": [0, 1], "target": {"split": "train", "metric": "accuracy", "value": 1}, "expect": "miss"}
        ]}
        """

    /// A temporary folder with the tiny suite and its recorded baselines.
    static func recorded() throws -> URL {
        let folder = try CommandRunner.temporaryDirectory()
        try AtomicFile.write(Array(suite.utf8), to: folder.appendingPathComponent("tiny.json").path)
        let result = try CommandRunner.run(["baseline", "record", "--suite", "tiny.json", "--baselines", "base"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        return folder
    }

    @Test func anUnchangedRunPassesExactlyAndWritesJUnitAndRecords() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["run", "all", "--suite", "tiny.json", "--baselines", "base", "--junit", "junit.xml", "--output", "runs", "--jobs", "2"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("pass (exact)") && result.output.contains("missed 2/2 (expected)"))
        let junit = String(decoding: try AtomicFile.read(folder.appendingPathComponent("junit.xml").path, limit: 1 << 20), as: UTF8.self)
        #expect(junit.contains("tests=\"2\" failures=\"0\" errors=\"0\"") && junit.contains("name=\"xor-linear\""))
        let lines = try AtomicFile.read(folder.appendingPathComponent("runs/xor.jsonl").path, limit: 1 << 24).filter { $0 == 0x0A }
        #expect(lines.count == 5)
        let diff = try CommandRunner.run(["baseline", "diff", "base", "runs"], in: folder)
        #expect(diff.status == 0 && diff.output.contains("pass (exact)"))
    }

    @Test func aReportedRunStillPassesExactlyAndTheReportHasEveryEntry() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Exact mode compares every curve bit for bit: observing the runs changed no number.
        let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--report", "run.html"], in: folder)
        #expect(result.status == 0 && result.output.contains("pass (exact)"), "\(result.output)")
        let html = String(decoding: try AtomicFile.read(folder.appendingPathComponent("run.html").path, limit: 1 << 24), as: UTF8.self)
        #expect(html.contains("<h2>xor: pass</h2>") && html.contains("<h2>xor-linear: pass</h2>"))
        #expect(html.contains("id=\"xor-curves\"") && html.contains("id=\"xor-linear-curves\""))
        // Each entry's baseline, drawn under its curves.
        #expect(html.contains("data-label=\"baseline train mean\""))
        // The training diagnoses of each entry: none on either (docs/diagnoses.md).
        #expect(html.contains("id=\"xor-diagnoses\"") && html.contains("No diagnosis: every rule of docs/diagnoses.md was silent on every run."))
        #expect(!result.standardError.contains("warning"), "\(result.standardError)")
        #expect(XMLParser(data: Data(html.utf8)).parse())
    }

    @Test func anUnwritableReportIsRefusedBeforeAnyTraining() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--report", "/nonexistent/dir/r.html"], in: folder)
        #expect(result.status == 2 && result.output.isEmpty, "\(result.output)")
        #expect(result.standardError.hasPrefix("nnbench: error: cannot write --report '/nonexistent/dir/r.html'"), "\(result.standardError)")
    }

    @Test func aReportCountsANewEntryAsFailingUnlessNewIsAllowed() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("base/xor-linear.json.gz"))
        let cases: [([String], Int32, String)] = [
            (["xor"], 2, "1 entries passed, 1 did not"), (["xor", "--allow-new"], 0, "2 entries passed, 0 did not"),
            // Every entry new: nothing was compared, with --allow-new too.
            (["--allow-new"], 2, "1 entries new: no entry has a baseline, so nothing was compared (not a pass)"),
        ]
        for (extra, status, summary) in cases {
            let result = try CommandRunner.run(["run", "xor-linear", "--suite", "tiny.json", "--baselines", "base", "--report", "run.html"] + extra, in: folder)
            #expect(result.status == status, "\(extra): \(result.output)")
            let html = String(decoding: try AtomicFile.read(folder.appendingPathComponent("run.html").path, limit: 1 << 24), as: UTF8.self)
            #expect(html.contains(summary) && html.contains("<h2>xor-linear: new</h2>"), "\(extra)")
        }
    }

    @Test func aFarTooSmallLearningRateIsARegressionWithExit1() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--optimizer", "adam(lr: 1e-6)", "--junit", "junit.xml"], in: folder)
        #expect(result.status == 1)
        #expect(result.output.contains("xor: missed target"))
        #expect(result.output.contains("train accuracy: ") && result.output.contains("is worse than the baseline's"))
        let junit = String(decoding: try AtomicFile.read(folder.appendingPathComponent("junit.xml").path, limit: 1 << 20), as: UTF8.self)
        #expect(junit.contains("failures=\"1\"") && junit.contains("<failure message=\"missed target"))
    }

    @Test func aFarTooSmallLearningRateIsDiagnosedOncePerEntryAndInTheJSON() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--optimizer", "adam(lr: 1e-6)", "--json"], in: folder)
        // The status is the comparison's (a regression), never the diagnoses'.
        #expect(result.status == 1)
        let warnings = result.standardError.split(separator: "\n").filter { $0.hasPrefix("nnbench: warning: ") }
        // One line per rule and place, with the other seeds: not five of each.
        let flat = warnings.filter { $0.contains("the training loss barely moves") }
        #expect(flat.count == 1 && flat[0].hasPrefix("nnbench: warning: xor seed 0: ") && flat[0].hasSuffix("(also seeds 1, 2, 3, 4)"), "\(warnings)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entry = try #require((object["entries"] as? [[String: Any]])?.first)
        let diagnoses = try #require(entry["diagnoses"] as? [[String: Any]])
        #expect(Set(diagnoses.filter { $0["name"] as? String == "loss-flat" }.compactMap { $0["seed"] as? Int }) == [0, 1, 2, 3, 4])
    }

    @Test func aCorruptBaselineIsAnErrorAndTheOtherEntriesStillRun() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("base/xor.json.gz").path
        let bytes = try AtomicFile.read(path, limit: 1 << 24)
        try AtomicFile.write(Array(bytes.prefix(bytes.count - 9)), to: path)
        let result = try CommandRunner.run(["run", "--suite", "tiny.json", "--baselines", "base", "--json"], in: folder)
        #expect(result.status == 2)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        #expect(entries.map { $0["verdict"] as? String } == ["error", "pass"])
        #expect((entries[0]["details"] as? [String])?.first?.contains("base/xor.json.gz': gzip data ends early") == true)
        let verify = try CommandRunner.run(["baseline", "verify", "--suite", "tiny.json", "--baselines", "base"], in: folder)
        // A corrupt file is status 2 in verify as in run.
        #expect(verify.status == 2 && verify.output.contains("problem: baseline 'base/xor.json.gz'"))
    }

    @Test func theMarginsSayWhatWasTrained() throws {
        let folder = try Self.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--diagnoses-margins"]
        let reference = try CommandRunner.run(common, in: folder)
        #expect(reference.output.contains("diagnoses on the reference solutions"), "\(reference.output)")
        // The loss rules' margins are ratios, not points of a fraction.
        #expect(reference.output.contains("× drop") && !reference.output.contains(" points "), "\(reference.output)")
        let replaced = try CommandRunner.run(common + ["--arch", "dense(8) relu dense(1)"], in: folder)
        #expect(replaced.output.contains("trained with --arch (not their reference solutions)") && !replaced.output.contains("reference solutions ("), "\(replaced.output)")
    }

    static let usageErrors: [([String], String)] = [
        (["run", "--seeds", "0"], "nnbench: error: invalid --seeds '0'; expected an integer in 1...1000"),
        (["run", "--jobs", "many"], "nnbench: error: invalid --jobs 'many'; expected an integer in 1...256"),
        (["run", "nope"], "nnbench: error: unknown entry or task 'nope' in suite 'default'; expected one of: all, sum,"),
        (["run", "xor", "--optimizer", "adam(lr: 0)"], "nnbench: error: invalid --optimizer: "),
        (["run", "xor", "--diagnoses-margins", "--no-diagnoses"], "nnbench: error: --diagnoses-margins cannot be combined with --no-diagnoses"),
        (["run", "xor", "--diagnoses-margins", "--json"], "nnbench: error: --diagnoses-margins cannot be combined with --json"),
    ]

    @Test(arguments: usageErrors)
    func usageErrorsAreOneLineWithStatus64(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(arguments, in: CommandRunner.packageRoot)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix(message), "got: \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
