import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBench
import Testing

/// `nnbench report DIR` over what `run --output DIR` wrote: the page `run --report` writes, from
/// files that leave the baseline format as `baseline record` writes it; and its errors.
@Suite("nnbench report")
struct ReportCommandTests {
    /// The page without its command line, the one line that differs between the two commands.
    static func withoutCommand(_ html: String) -> String {
        html.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("<p class=\"summary\">nnbench ") }.joined(separator: "\n")
    }

    static func read(_ folder: URL, _ name: String) throws -> [UInt8] {
        try AtomicFile.read(folder.appendingPathComponent(name).path, limit: 1 << 24)
    }

    @Test func theReportOfAnOutputFolderIsTheRunsReport() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two runs: --output alone must observe what the report needs.
        let run = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--output", "runs", "--jobs", "2"], in: folder)
        #expect(run.status == 0 && run.output.contains("pass (exact)"), "\(run.output)")
        let reported = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--report", "run.html"], in: folder)
        #expect(reported.status == 0)
        // The observation is a file of its own: the baseline-format files are byte for byte what 'baseline record' wrote.
        for entry in ["xor", "xor-linear"] {
            #expect(try Self.read(folder, "runs/\(entry).json.gz") == (try Self.read(folder, "base/\(entry).json.gz")), "\(entry)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs/\(entry).observation.json.gz").path))
        }
        let report = try CommandRunner.run(["report", "runs/", "--baselines", "base"], in: folder)
        #expect(report.status == 0 && report.output == "wrote runs/report.html: 2 entries\n", "\(report.standardError)")
        let written = String(decoding: try Self.read(folder, "runs/report.html"), as: UTF8.self)
        let expected = String(decoding: try Self.read(folder, "run.html"), as: UTF8.self)
        #expect(XMLParser(data: Data(written.utf8)).parse())
        #expect(written.contains("<p class=\"summary\">nnbench report runs/ --baselines base</p>"))
        #expect(Self.withoutCommand(written) == Self.withoutCommand(expected))
        #expect(written.contains("<h2>xor: pass</h2>") && written.contains("id=\"xor-layers\""))
    }

    @Test func theReportOfAnOutputFolderCarriesTheRunsDiagnoses() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A rate of 10 on xor: three diagnoses a seed (docs/diagnoses.md); the status is the
        // comparison's with a baseline trained otherwise, not what this test is about.
        let arguments = ["run", "xor", "--optimizer", "sgd(lr: 10)", "--seeds", "2", "--suite", "tiny.json", "--baselines", "base"]
        _ = try CommandRunner.run(arguments + ["--output", "runs", "--report", "run.html"], in: folder)
        let report = try CommandRunner.run(["report", "runs", "--baselines", "base"], in: folder)
        #expect(report.status == 0, "\(report.standardError)")
        let written = String(decoding: try Self.read(folder, "runs/report.html"), as: UTF8.self)
        let expected = String(decoding: try Self.read(folder, "run.html"), as: UTF8.self)
        #expect(expected.contains("update-ratio") && !expected.contains("No diagnosis"))
        #expect(Self.withoutCommand(written) == Self.withoutCommand(expected))
    }

    @Test func missingCorruptOrMismatchedFilesAreStatus2InOneLine() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandRunner.run(["run", "xor-linear", "--suite", "tiny.json", "--baselines", "base", "--output", "runs"], in: folder)
        #expect(run.status == 0)
        func expectError(_ arguments: [String], _ message: String) throws {
            let result = try CommandRunner.run(arguments, in: folder)
            #expect(result.status == 2 && result.output.isEmpty, "\(arguments): \(result.standardError)")
            #expect(result.standardError.hasPrefix("nnbench: error: " + message), "\(arguments): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
        try expectError(["report", "nowhere", "--baselines", "base"], "the run folder 'nowhere' does not exist or is not a folder")
        try expectError(["report", "base", "--baselines", "base"], "the run folder 'base' holds no ENTRY.observation.json.gz")
        try expectError(["report", "runs", "--baselines", "nope"], "the baselines folder 'nope' does not exist")
        try expectError(["report", "runs", "--baselines", "base", "--output", "/nonexistent/r.html"], "cannot write --output '/nonexistent/r.html'")
        // Another run's results beside this observation.
        let observation = try Self.read(folder, "runs/xor-linear.observation.json.gz")
        try AtomicFile.write(try Self.read(folder, "base/xor.json.gz"), to: folder.appendingPathComponent("runs/xor-linear.json.gz").path)
        try expectError(
            ["report", "runs", "--baselines", "base"], "observation 'runs/xor-linear.observation.json.gz' does not hold the runs of 'runs/xor-linear.json.gz'")
        try AtomicFile.write(try Self.read(folder, "base/xor-linear.json.gz"), to: folder.appendingPathComponent("runs/xor-linear.json.gz").path)
        try AtomicFile.write(Array(observation.prefix(observation.count - 9)), to: folder.appendingPathComponent("runs/xor-linear.observation.json.gz").path)
        try expectError(["report", "runs", "--baselines", "base"], "observation 'runs/xor-linear.observation.json.gz': ")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("runs/xor-linear.json.gz"))
        try AtomicFile.write(observation, to: folder.appendingPathComponent("runs/xor-linear.observation.json.gz").path)
        try expectError(["report", "runs", "--baselines", "base"], "observation 'runs/xor-linear.observation.json.gz' has no 'runs/xor-linear.json.gz' beside it")
        let usage = try CommandRunner.run(["report", "runs", "--colour"], in: folder)
        #expect(usage.status == 64 && usage.standardError.split(separator: "\n").first?.hasPrefix("nnbench: error: ") == true)
    }
    /// Valid gzip and JSON that no run wrote: each is refused in one line, never a crash (a new
    /// user's trial crashed on the first two: a curve without epoch 0, a weight matrix short of
    /// its shape).
    @Test func damagedObservationContentsAreStatus2InOneLine() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandRunner.run(["run", "xor-linear", "--suite", "tiny.json", "--baselines", "base", "--output", "runs"], in: folder)
        #expect(run.status == 0)
        let path = folder.appendingPathComponent("runs/xor-linear.observation.json.gz").path
        let original = try Gzip.decompress(try Self.read(folder, "runs/xor-linear.observation.json.gz"), limit: 1 << 30)
        func expectRefused(_ message: String, _ damage: (inout [String: Any]) -> Void) throws {
            var content = try #require(try JSONSerialization.jsonObject(with: Data(original)) as? [String: Any])
            damage(&content)
            try AtomicFile.write(Gzip.compress(Array(try JSONSerialization.data(withJSONObject: content))), to: path)
            let result = try CommandRunner.run(["report", "runs", "--baselines", "base"], in: folder)
            #expect(result.status == 2, "\(message): \(result.standardError)")
            #expect(result.standardError.hasPrefix("nnbench: error: ") && result.standardError.contains(message), "\(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
        func firstRecord(_ content: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var records = content["records"] as! [[String: Any]]
            change(&records[0])
            content["records"] = records
        }
        try expectRefused("no epoch, expected at least epoch 0") { firstRecord(&$0) { $0["epochs"] = [Any]() } }
        try expectRefused("holds 1 values") {
            firstRecord(&$0) { record in
                var snapshots = record["snapshots"] as! [[String: Any]]
                var tensors = snapshots[0]["tensors"] as! [[String: Any]]
                tensors[0]["values"] = [1.0]
                snapshots[0]["tensors"] = tensors
                record["snapshots"] = snapshots
            }
        }
        try expectRefused("seed 0 was trained with architecture dense(999999999) tanh dense(1); 'runs/xor-linear.json.gz''s entry gives dense(1)") {
            firstRecord(&$0) { $0["architecture"] = "dense(999999999) tanh dense(1)" }
        }
        // Every field of a run's setup, not only those the record's curves depend on most.
        try expectRefused("seed 0 was trained with schedule cosine; 'runs/xor-linear.json.gz''s entry gives constant") { firstRecord(&$0) { $0["schedule"] = "cosine" } }
        try expectRefused("seed 0 was trained with data seed 7; 'runs/xor-linear.json.gz''s entry gives 0") { firstRecord(&$0) { $0["dataSeed"] = 7 } }
        try expectRefused("seed 0 was trained with parameters noise=0.3") { firstRecord(&$0) { $0["parameters"] = ["noise": "0.3"] } }
        try expectRefused("seed 0 was trained with target train accuracy >= 0.5; ") { firstRecord(&$0) { $0["target"] = "train accuracy >= 0.5" } }
        try expectRefused("position -1, expected a non-negative integer") { $0["position"] = -1 }
    }
}
