import Foundation
import NNBench
import Testing

/// `nnbench run` and `nnbench baseline` never call a run that compared nothing a pass, never
/// crash on a baseline they do not expect, and check every output before training (issue 12).
@Suite("nnbench run: no false greens")
struct RunFalseGreenTests {
    /// A folder with the tiny suite of ``RunCommandTests`` and nothing else.
    static func suiteOnly() throws -> URL {
        let folder = try CommandRunner.temporaryDirectory()
        try AtomicFile.write(Array(RunCommandTests.suite.utf8), to: folder.appendingPathComponent("tiny.json").path)
        return folder
    }

    static func text(_ folder: URL, _ name: String) throws -> String {
        String(decoding: try AtomicFile.read(folder.appendingPathComponent(name).path, limit: 1 << 20), as: UTF8.self)
    }

    @Test("no Baselines folder, a missing one or a file: status 2 before any training, no JUnit")
    func missingBaselinesFolder() throws {
        let folder = try Self.suiteOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(Array("{}".utf8), to: folder.appendingPathComponent("somefile.json").path)
        for extra in [[], ["--baselines", "/nonexistent"], ["--baselines", "somefile.json"]] {
            let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--junit", "r.xml"] + extra, in: folder)
            #expect(result.status == 2, "\(extra): \(result.output)")
            #expect(result.standardError.hasPrefix("nnbench: error: ") && result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
            #expect(result.standardError.contains(extra.last ?? "Baselines"))
            #expect(result.output.isEmpty, "trained before failing: \(result.output)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("r.xml").path))
        }
    }

    @Test("an entry without a baseline is not a pass (status 2, a JUnit error) unless --allow-new")
    func newIsNotAPass() throws {
        let folder = try Self.suiteOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: false)
        let result = try CommandRunner.run(["run", "xor", "--suite", "tiny.json", "--baselines", "empty", "--seeds", "1", "--junit", "r.xml"], in: folder)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("no baseline 'empty/xor.json.gz'") && result.output.contains("FAILED: 1 new"))
        let junit = try Self.text(folder, "r.xml")
        #expect(junit.contains("tests=\"1\" failures=\"0\" errors=\"1\""), "\(junit)")
        let allowed = try CommandRunner.run(["run", "xor", "--suite", "tiny.json", "--baselines", "empty", "--seeds", "1", "--allow-new"], in: folder)
        // --allow-new accepts entries beside compared ones; a run in which every entry is new
        // compared nothing, and is not a pass.
        #expect(allowed.status == 2 && allowed.output.hasSuffix("No entry has a baseline, so nothing was compared: record baselines first ('nnbench baseline record ENTRY'); --allow-new accepts new entries only beside compared ones.\nFAILED: 1 new\n"), "\(allowed.output)")
    }

    @Test("the header names the suite, the seeds and the baselines folder")
    func header() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--seeds", "2"], in: folder)
        #expect(result.output.hasPrefix("suite tiny.json (1 of 2 entries), seeds 0..<2 (--seeds), baselines base\n"), "\(result.output)")
        let outside = try CommandRunner.run(["run", "xor", "--baselines", "base", "--seeds", "1"], in: folder)
        #expect(outside.output.hasPrefix("suite built-in default (no Datasets/suites/default.json in "), "\(outside.output)")
    }

    @Test("an unwritable --junit or --output fails at once, before training")
    func outputsCheckedFirst() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let junit = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--junit", "/nonexistent/dir/r.xml"], in: folder)
        #expect(junit.status == 2 && junit.output.isEmpty, "\(junit.output)")
        #expect(junit.standardError.hasPrefix("nnbench: error: cannot write --junit '/nonexistent/dir/r.xml'"), "\(junit.standardError)")
        try AtomicFile.write([0x41], to: folder.appendingPathComponent("afile").path)
        let output = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--output", "afile/runs"], in: folder)
        #expect(output.status == 2 && output.output.isEmpty, "\(output.output)\(output.standardError)")
    }

    @Test("a corrupt baseline is status 2 in run and in baseline verify alike")
    func corruptIsTwoEverywhere() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(Array("not gzip".utf8), to: folder.appendingPathComponent("base/xor.json.gz").path)
        let run = try CommandRunner.run(["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--seeds", "1", "--junit", "r.xml"], in: folder)
        #expect(run.status == 2 && run.output.contains("xor: error"), "\(run.output)")
        #expect(try Self.text(folder, "r.xml").contains("errors=\"1\""))
        let verify = try CommandRunner.run(["baseline", "verify", "--suite", "tiny.json", "--baselines", "base"], in: folder)
        #expect(verify.status == 2 && verify.output.contains("problem: baseline 'base/xor.json.gz'"), "\(verify.output)")
    }

    @Test("an entry renamed with its baseline file: verify names the difference, run compares, no crash")
    func renamedEntry() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let renamed = RunCommandTests.suite.replacingOccurrences(of: #""name": "xor","#, with: #""name": "xor-2","#)
        try AtomicFile.write(Array(renamed.utf8), to: folder.appendingPathComponent("renamed.json").path)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("base/xor.json.gz"), to: folder.appendingPathComponent("base/xor-2.json.gz"))
        let verify = try CommandRunner.run(["baseline", "verify", "--suite", "renamed.json", "--baselines", "base"], in: folder)
        #expect(verify.status == 1, "\(verify.output)\(verify.standardError)")
        #expect(verify.output.contains("xor-2: the baseline was recorded for another entry: name xor-2 vs the baseline's xor"), "\(verify.output)")
        let run = try CommandRunner.run(["run", "xor-2", "--suite", "renamed.json", "--baselines", "base", "--json"], in: folder)
        #expect(run.status == 0, "\(run.output)\(run.standardError)")
        #expect(run.output.contains("statistical comparison: the entry differs: name xor-2 vs the baseline's xor"), "\(run.output)")
    }

    @Test("a diverged run: --json is valid JSON with status 1, the details say where it diverged")
    func divergedJSON() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--seeds", "2", "--optimizer", "adam(lr: 1e308)", "--json"], in: folder)
        #expect(result.status == 1, "\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entry = try #require((report["entries"] as? [[String: Any]])?.first)
        #expect(entry["verdict"] as? String == "missed target")
        let details = (entry["details"] as? [String]) ?? []
        #expect(details.contains("seed 0 diverged in epoch 1, step 1: the loss became nan"), "\(details)")
        #expect(!details.contains { $0.contains("did not meet") }, "a diverged seed is not 'did not meet in N epochs': \(details)")
    }

    @Test("a diverged entry is recorded and then compared as any other: verify and run agree, bit for bit")
    func divergedBaseline() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let suite = RunCommandTests.suite.replacingOccurrences(of: #""optimizer": "adam(lr: 0.05)", "batch_size": 4, "epochs": 60"#, with: #""optimizer": "adam(lr: 1e308)", "batch_size": 4, "epochs": 60"#)
        #expect(suite != RunCommandTests.suite)
        try AtomicFile.write(Array(suite.utf8), to: folder.appendingPathComponent("diverge.json").path)
        let record = try CommandRunner.run(["baseline", "record", "xor", "--suite", "diverge.json", "--baselines", "base"], in: folder)
        #expect(record.status == 0, "\(record.standardError)")
        let verify = try CommandRunner.run(["baseline", "verify", "--suite", "diverge.json", "--baselines", "base"], in: folder)
        // xor-linear was not recorded: that is verify's only problem, the diverged file reads.
        #expect(verify.status == 2 && !verify.output.contains("xor.json.gz'"), "\(verify.output)")
        let run = try CommandRunner.run(["run", "xor", "--suite", "diverge.json", "--baselines", "base"], in: folder)
        #expect(run.output.contains("(exact)") && !run.output.contains("changed"), "\(run.output)")
        #expect(run.status == 1 && run.output.contains("diverged in epoch 1"), "\(run.output)")
    }

    @Test("baseline record NAME records that entry alone, not every entry of its task")
    func recordOneEntry() throws {
        let folder = try Self.suiteOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["baseline", "record", "xor", "--suite", "tiny.json", "--baselines", "base"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("base").path) == ["xor.json.gz"])
    }

    @Test("a batchnorm entry whose last batch has one sample fails its own entry; the others still run")
    func batchnormEntryInRun() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = RunCommandTests.suite.replacingOccurrences(of: #""architecture": "dense(4) tanh dense(1)", "optimizer": "adam(lr: 0.05)", "batch_size": 4"#, with: #""architecture": "dense(4) batchnorm tanh dense(1)", "optimizer": "adam(lr: 0.05)", "batch_size": 3"#)
        #expect(bad != RunCommandTests.suite)
        try AtomicFile.write(Array(bad.utf8), to: folder.appendingPathComponent("bad.json").path)
        let run = try CommandRunner.run(["run", "all", "--suite", "bad.json", "--baselines", "base", "--json"], in: folder)
        #expect(run.status == 2, "\(run.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        #expect(entries.map { $0["verdict"] as? String } == ["error", "pass"])
        let reason = (entries[0]["details"] as? [String])?.first ?? ""
        #expect(reason.contains("batchnorm needs more than one value per channel"), "\(reason)")
    }
}
