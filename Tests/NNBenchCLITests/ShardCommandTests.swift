import Foundation
import NNBench
import Testing

/// `nnbench run --shard i/n` and `nnbench merge` as a CI matrix runs them, on the tiny suite of
/// ``RunCommandTests`` (7 pairs: xor seeds 0–4, xor-linear seeds 0–1).
@Suite("nnbench run --shard and merge")
struct ShardCommandTests {
    /// The files of a folder, by name.
    static func files(_ folder: URL) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try AtomicFile.read(folder.appendingPathComponent(name).path, limit: 1 << 26)
        }
        return files
    }

    /// JSON text without its wall times, the one thing two runs of the same numbers differ in.
    static func withoutWallTimes(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacing(#/"wallSeconds":[^,}]*/#, with: "")
    }

    /// Runs the three shards (two jobs each) into `shard-1`…`shard-3`, each expected to pass alone.
    static func runShards(in folder: URL, _ extra: [String] = [], expecting status: Int32 = 0) throws {
        for index in 1...3 {
            let shard = try CommandRunner.run(
                ["run", "all", "--suite", "tiny.json", "--baselines", "base", "--shard", "\(index)/3", "--output", "shard-\(index)", "--jobs", "2"] + extra,
                in: folder)
            #expect(shard.status == status, "shard \(index): \(shard.output)\(shard.standardError)")
        }
    }

    @Test func threeShardsMergedAreTheUnsplitRunByteForByte() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--output", "whole", "--jobs", "1"], in: folder)
        #expect(whole.status == 0, "\(whole.standardError)")
        try Self.runShards(in: folder)
        // In another order than the shards': the merge puts them in order.
        let merge = try CommandRunner.run(["merge", "shard-3", "shard-1", "shard-2", "--baselines", "base", "--output", "merged"], in: folder)
        #expect(merge.status == 0, "\(merge.standardError)")
        // The same table and closing line as the run unsplit; the header line says what was merged.
        #expect(merge.output.split(separator: "\n").dropFirst() == whole.output.split(separator: "\n").dropFirst())
        #expect(merge.output.hasPrefix("merged 3 shards of suite tiny.json (2 entries, 7 runs)"))
        let (unsplit, merged) = (try Self.files(folder.appendingPathComponent("whole")), try Self.files(folder.appendingPathComponent("merged")))
        #expect(unsplit.keys.sorted() == merged.keys.sorted() && unsplit.count == 6)
        for (name, bytes) in unsplit {
            if name.hasSuffix(".observation.json.gz") {
                let (a, b) = (try Gzip.decompress(bytes, limit: 1 << 28), try Gzip.decompress(merged[name]!, limit: 1 << 28))
                #expect(Self.withoutWallTimes(a) == Self.withoutWallTimes(b), "\(name)")
            } else if name.hasSuffix(".json.gz") {
                #expect(HexDigest.sha256(bytes) == HexDigest.sha256(merged[name]!), "\(name) differs from the unsplit run's")
            } else {
                #expect(Self.withoutWallTimes(bytes) == Self.withoutWallTimes(merged[name]!), "\(name)")
            }
        }
        // Each shard wrote its manifest and the records of its pairs only.
        let manifest = try ShardManifest.read(from: folder.appendingPathComponent("shard-2").path)
        #expect(manifest.shard == Shard(index: 2, count: 3) && manifest.suite.entries.count == 2 && !manifest.pairs.isEmpty)
    }

    @Test func aShardAtOneJobWritesTheBytesOfTwo() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        for jobs in ["1", "2"] {
            let shard = try CommandRunner.run(
                ["run", "all", "--suite", "tiny.json", "--baselines", "base", "--shard", "3/3", "--output", "jobs-\(jobs)", "--jobs", jobs, "--junit", "\(jobs).xml"], in: folder)
            #expect(shard.status == 0, "\(shard.standardError)")
        }
        let (one, two) = (try Self.files(folder.appendingPathComponent("jobs-1")), try Self.files(folder.appendingPathComponent("jobs-2")))
        #expect(one.keys.sorted() == two.keys.sorted())
        for (name, bytes) in one where name.hasSuffix(".json.gz") && !name.hasSuffix(".observation.json.gz") || name == ShardManifest.fileName {
            #expect(bytes == two[name], "\(name)")
        }
        // A shard's comparison has no metric summary, and its JUnit line no dangling separator.
        let junit = String(decoding: try AtomicFile.read(folder.appendingPathComponent("1.xml").path, limit: 1 << 20), as: UTF8.self)
        #expect(junit.contains("<system-out>pass (exact); target met ") && !junit.contains("; </system-out>"), "\(junit)")
        // An unsplit run into a shard's folder removes the manifest: the folder is no shard.
        let unsplit = try CommandRunner.run(["run", "xor-linear", "--suite", "tiny.json", "--baselines", "base", "--output", "jobs-2"], in: folder)
        #expect(unsplit.status == 0 && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("jobs-2/shard.json").path))
    }

    @Test(arguments: ["0/3", "4/3", "1/0", "a/b", "1/3/4", "-1/3", "1/", ""])
    func aMalformedShardIsAUsageError(_ shard: String) throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--shard", shard], in: folder)
        #expect(result.status == 64)
        #expect(result.standardError == "nnbench: error: invalid --shard '\(shard)'; expected i/n with 1 <= i <= n <= 100000, e.g. 2/3\n")
    }

    @Test func moreShardsThanPairsIsAUsageError() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--shard", "8/8"], in: folder)
        #expect(result.status == 64 && result.standardError.hasPrefix("nnbench: error: invalid --shard '8/8': 8 shards for 7 (entry, seed) pairs"))
        let one = try CommandRunner.run(["run", "xor-linear", "--suite", "tiny.json", "--baselines", "base", "--seeds", "1", "--shard", "2/2"], in: folder)
        #expect(one.status == 64 && one.standardError.hasSuffix("2 shards for 1 (entry, seed) pair; expected at most 1 shard\n"), "\(one.standardError)")
    }

    @Test func theSelfTestTakesAShardAndRefusesABadOne() throws {
        // Every 16th run from the first, of one seed of every architecture.
        let all = Showcase.all.count + Showcase.recurrent.count + Showcase.catalogue.count
        let ran = (all - 1) / 16 + 1
        let shard = try CommandRunner.run(["check", "--self-test", "--seeds", "1", "--shard", "1/16"])
        #expect(shard.status == 0 && shard.output.hasPrefix("shard 1/16: \(ran) of the \(all) "), "\(shard.output)\(shard.standardError)")
        let bad = try CommandRunner.run(["check", "--self-test", "--shard", "4/3"])
        #expect(bad.status == 64 && bad.standardError == "nnbench: error: invalid --shard '4/3'; expected i/n with 1 <= i <= n <= 100000, e.g. 2/3\n")
        let alone = try CommandRunner.run(["check", "--shard", "1/3"])
        #expect(alone.status == 64 && alone.standardError.hasPrefix("nnbench: error: --shard has no effect with a check of nnbench's engine"))
        #expect(alone.standardError.hasSuffix("; --shard goes with --self-test (and with --exec --self-test)\n"), "\(alone.standardError)")
        // The closing line says what the shard ran, not the whole sweep.
        #expect(shard.output.hasSuffix("\n\(ran) of the \(all) (architecture, seed) runs in float32: no false alarm\n"), "\(shard.output)")
    }

    @Test func theMergeRefusesShardsThatAreNotOneWholeRun() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.runShards(in: folder)
        let other = try CommandRunner.run(["run", "xor", "--suite", "tiny.json", "--baselines", "base", "--shard", "1/3", "--output", "xor-1"], in: folder)
        let halves = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--shard", "1/2", "--output", "half-1"], in: folder)
        #expect(other.status == 0 && halves.status == 0)
        // A shard of another engine build, and one whose manifest was edited by hand.
        let manifest = String(decoding: try AtomicFile.read(folder.appendingPathComponent("shard-2/shard.json").path, limit: 1 << 24), as: UTF8.self)
        let fingerprint = try #require(manifest.firstMatch(of: #/"fingerprint" : "([0-9a-f]{64})"/#)?.output.1)
        let seeds = try #require(manifest.firstMatch(of: #/\n  "seeds" : "([^"]*)"/#)?.output.1)
        let pairs = try #require(manifest.firstMatch(of: #/"pairs" : \[[^\]]*\]/#)?.output)
        let edits = [
            ("engine-2", manifest.replacingOccurrences(of: String(fingerprint), with: String(repeating: "0", count: 64))),
            ("edited-2", manifest.replacingOccurrences(of: "\"epochs\" : 60", with: "\"epochs\" : 61")),
            ("seeds-2", manifest.replacingOccurrences(of: "\n  \"seeds\" : \"\(seeds)\"", with: "\n  \"seeds\" : \"edited\"")),
            ("unknown-2", "{\"extra\": 1, " + manifest.dropFirst()),
            ("failed-2", manifest.replacingOccurrences(of: "\"failed\" : [\n\n  ]", with: "\"failed\" : [{\"entry\": \"nosuch\", \"reason\": \"x\"}]")),
            ("negative-2", manifest.replacingOccurrences(of: String(pairs), with: "\"pairs\" : [{\"entry\": \"xor\", \"seed\": -1}]")),
            ("pairs-2", manifest.replacingOccurrences(of: String(pairs), with: "\"pairs\" : 5")),
            ("count-2", manifest.replacingOccurrences(of: "\"count\" : 3", with: "\"count\" : 0")),
        ]
        // The plan's digest edited in every shard alike: the shards still agree, but their pairs
        // are not the plan they name.
        for index in 1...3 {
            let path = folder.appendingPathComponent("shard-\(index)/shard.json").path
            let text = String(decoding: try AtomicFile.read(path, limit: 1 << 24), as: UTF8.self)
            let digest = try #require(text.firstMatch(of: #/"partition_sha256" : "([0-9a-f]{64})"/#)?.output.1)
            try FileManager.default.copyItem(at: folder.appendingPathComponent("shard-\(index)"), to: folder.appendingPathComponent("plan-\(index)"))
            try AtomicFile.write(Array(text.replacingOccurrences(of: String(digest), with: String(repeating: "1", count: 64)).utf8), to: folder.appendingPathComponent("plan-\(index)/shard.json").path)
        }
        for (name, edited) in edits {
            #expect(edited != manifest, "\(name)")
            try FileManager.default.copyItem(at: folder.appendingPathComponent("shard-2"), to: folder.appendingPathComponent(name))
            try AtomicFile.write(Array(edited.utf8), to: folder.appendingPathComponent("\(name)/shard.json").path)
        }
        let cases: [([String], String)] = [
            (["shard-1", "shard-2"], "missing shard 3/3 (1 of 3)"),
            (["shard-1", "shard-2", "shard-3", "shard-2"], "shard 2/3 given twice: 'shard-2' and 'shard-2'"),
            (["shard-1", "shard-2", "half-1"], "shards of different shard counts: 'shard-1' has shard 1/3, 'half-1' has shard 1/2"),
            (["xor-1", "shard-2", "shard-3"], "shards of different suites: 'xor-1' has entries xor, 'shard-2' has entries xor, xor-linear\n"),
            (["shard-1", "seeds-2", "shard-3"], "shards of different seed options: 'shard-1' has seeds \(seeds), 'seeds-2' has seeds edited\n"),
            (["shard-1", "unknown-2", "shard-3"], "shard manifest 'unknown-2/shard.json': extra: unknown field; expected one of: engine, failed"),
            (["shard-1", "failed-2", "shard-3"], "shard manifest 'failed-2/shard.json': failed entry 'nosuch' is not an entry of its suite\n"),
            (["shard-1", "negative-2", "shard-3"], "shard manifest 'negative-2/shard.json': pairs[0].seed: expected an integer in 0...9007199254740992, got -1\n"),
            (["shard-1", "pairs-2", "shard-3"], "shard manifest 'pairs-2/shard.json': pairs: expected an array of {\"entry\", \"seed\"} objects, got 5\n"),
            (["shard-1", "count-2", "shard-3"], "shard manifest 'count-2/shard.json': shard.count: expected an integer in 1...100000, got 0\n"),
            (["shard-1", "shard-2", "nowhere"], "the shard folder 'nowhere' does not exist"),
            (["shard-1", "engine-2", "shard-3"], "shards of different engines: 'shard-1' has engine "),
            (["shard-1", "edited-2", "shard-3"], "shard manifest 'edited-2/shard.json': the suite does not match its suite_sha256"),
            (["plan-1", "plan-2", "plan-3"], "the shards' pairs are not the plan their manifests name (partition_sha256 111111111111); were the manifests edited?\n"),
        ]
        for (folders, message) in cases {
            let merge = try CommandRunner.run(["merge", "--baselines", "base"] + folders, in: folder)
            #expect(merge.status == 2 && merge.standardError.hasPrefix("nnbench: error: \(message)"), "\(folders): \(merge.standardError)")
            #expect(merge.standardError.filter { $0 == "\n" }.count == 1)
        }
        // A shard run from another folder names the suite by another path: the same suite.
        try FileManager.default.copyItem(at: folder.appendingPathComponent("shard-2"), to: folder.appendingPathComponent("source-2"))
        let moved = manifest.replacingOccurrences(of: "\"source\" : \"tiny.json\"", with: "\"source\" : \"/elsewhere/tiny.json\"")
        #expect(moved != manifest)
        try AtomicFile.write(Array(moved.utf8), to: folder.appendingPathComponent("source-2/shard.json").path)
        let sources = try CommandRunner.run(["merge", "--baselines", "base", "source-2", "shard-1", "shard-3"], in: folder)
        #expect(sources.status == 0 && sources.output.hasPrefix("merged 3 shards of suite tiny.json "), "\(sources.output)\(sources.standardError)")
        let none = try CommandRunner.run(["merge", "--baselines", "base"], in: folder)
        #expect(none.status == 64)
        // A JUnit file over a shard's own file would destroy what was merged.
        for name in ["shard.json", "xor.jsonl"] {
            let over = try CommandRunner.run(["merge", "shard-1", "shard-2", "shard-3", "--baselines", "base", "--junit", "./shard-2/\(name)"], in: folder)
            #expect(over.status == 64 && over.standardError == "nnbench: error: the shard folder's \(name) and --junit both name './shard-2/\(name)'; give each its own path\n", "\(over.standardError)")
        }
        // A merge without baselines compared nothing: not a pass.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let nothing = try CommandRunner.run(["merge", "shard-1", "shard-2", "shard-3", "--baselines", "empty"], in: folder)
        #expect(nothing.status == 2 && nothing.output.contains("FAILED: 2 new"))
        let allowed = try CommandRunner.run(["merge", "shard-1", "shard-2", "shard-3", "--baselines", "empty", "--allow-new"], in: folder)
        #expect(allowed.status == 2 && allowed.output.hasSuffix("nothing was compared: record baselines first ('nnbench baseline record ENTRY'); --allow-new accepts new entries only beside compared ones.\nFAILED: 2 new\n"), "\(allowed.output)")
    }

    @Test func aDamagedShardFileFailsTheMergeBeforeAnythingIsWritten() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.runShards(in: folder)
        let manager = FileManager.default
        func damaged(_ name: String, _ damage: (String) throws -> Void) throws -> String {
            try manager.copyItem(at: folder.appendingPathComponent("shard-3"), to: folder.appendingPathComponent(name))
            try damage(folder.appendingPathComponent(name).path)
            return name
        }
        // A line appended by hand or by another run: a second copy of a seed the shard ran, or a
        // seed it did not run. Merged silently, the first would double a seed and the second vanish.
        func appended(_ seed: @escaping (UInt64) -> UInt64) -> (String) throws -> Void {
            { path in
                let lines = try AtomicFile.read("\(path)/xor.jsonl", limit: 1 << 26)
                let first = lines.split(separator: 0x0A)[0]
                let held = try #require(try JSONSerialization.jsonObject(with: Data(first)) as? [String: Any])["seed"] as! Int
                let line = String(decoding: first, as: UTF8.self).replacingOccurrences(of: "\"seed\":\(held)", with: "\"seed\":\(seed(UInt64(held)))")
                try AtomicFile.write(lines + Array(line.utf8) + [0x0A], to: "\(path)/xor.jsonl")
            }
        }
        let twice = try damaged("twice", appended { $0 })
        // Shard 3 holds two of xor's seeds (2 and 3): their lines swapped.
        let swapped = try damaged("swapped") { path in
            let lines = try AtomicFile.read("\(path)/xor.jsonl", limit: 1 << 26).split(separator: 0x0A)
            try #require(lines.count == 2)
            try AtomicFile.write(Array(lines[1]) + [0x0A] + Array(lines[0]) + [0x0A], to: "\(path)/xor.jsonl")
        }
        let foreign = try damaged("foreign", appended { _ in 99 })
        let noObservation = try damaged("no-observation") { try manager.removeItem(atPath: "\($0)/xor.observation.json.gz") }
        // Files rewritten whole, each valid on its own, that disagree with the manifest, the
        // entry's data or each other: the merged folder would carry them, or 'report' refuse it.
        func rewrittenRecord(_ edit: @escaping (inout BaselineRecord) -> Void) -> (String) throws -> Void {
            { path in
                var record = try BaselineFile.read("\(path)/xor.json.gz")
                edit(&record)
                try BaselineFile.write(record, to: path)
            }
        }
        let otherEngine = try damaged("other-engine", rewrittenRecord { $0.engine.fingerprint = String(repeating: "0", count: 64) })
        let otherData = try damaged("other-data", rewrittenRecord { $0.datasetSHA256 = String(repeating: "0", count: 64) })
        let otherTask = try damaged("other-task") { path in
            let record = try BaselineFile.read("\(path)/xor.json.gz")
            var content = try ObservationFile.read("\(path)/xor.observation.json.gz")
            content.records[0].task = "parity"
            let result = EntryResult(entry: record.entry, datasetFingerprint: record.datasetSHA256, splitSizes: record.splitSizes, runs: content.records)
            try AtomicFile.write(ObservationFile.encode(result, position: content.position), to: "\(path)/xor.observation.json.gz")
        }
        let editedLine = try damaged("edited-line") { path in
            let text = String(decoding: try AtomicFile.read("\(path)/xor.jsonl", limit: 1 << 26), as: UTF8.self)
            try AtomicFile.write(Array(text.replacingOccurrences(of: "\"entry\":\"xor\"", with: "\"entry\":\"xox\"").utf8), to: "\(path)/xor.jsonl")
        }
        let badLines = try damaged("bad-lines") { try AtomicFile.write(Array("{}\n".utf8), to: "\($0)/xor.jsonl") }
        let badRecord = try damaged("bad-record") { try AtomicFile.write([1, 2, 3], to: "\($0)/xor.json.gz") }
        let cases: [(String, String)] = [
            (noObservation, "shard 3/3: observation '\(noObservation)/xor.observation.json.gz': cannot open '\(noObservation)/xor.observation.json.gz': No such file or directory\n"),
            (badLines, "shard 3/3: '\(badLines)/xor.jsonl' line 1 is not a run's JSON object with a seed\n"),
            (editedLine, "shard 3/3: '\(editedLine)/xor.jsonl' seed "),
            (otherEngine, "shard 3/3: '\(otherEngine)/xor.json.gz' was trained by another engine or platform than the shard's manifest says (engine 000000000000, "),
            (otherData, "shard 3/3: '\(otherData)/xor.json.gz' was trained on other data than this nnbench generates for entry 'xor' (dataset SHA-256 000000000000, split sizes train 4, valid 4, test 4; expected "),
            (otherTask, "shard 3/3: '\(otherTask)/xor.observation.json.gz' seed "),
            (badRecord, "shard 3/3: record '\(badRecord)/xor.json.gz': "),
            (twice, "shard 3/3: '\(twice)/xor.jsonl' holds seed "),
            (swapped, "shard 3/3: '\(swapped)/xor.jsonl' holds its seeds in the order [3, 2], not the entry's [2, 3]; was it edited?\n"),
            (foreign, "shard 3/3: '\(foreign)/xor.jsonl' holds seed 99, which the shard did not run (it ran seeds ["),
        ]
        for (shard, message) in cases {
            // With --output, nothing is written (xor-linear, before xor in no order, would be);
            // without, the same damage fails alike.
            for output in [["--output", "out-\(shard)"], []] {
                let merge = try CommandRunner.run(["merge", "shard-1", "shard-2", shard, "--baselines", "base"] + output, in: folder)
                #expect(merge.status == 2 && merge.standardError.hasPrefix("nnbench: error: \(message)"), "\(shard) \(output): \(merge.standardError)")
                #expect(merge.standardError.filter { $0 == "\n" }.count == 1)
                #expect(shard != twice || merge.standardError.contains(" twice; "), "\(merge.standardError)")
                #expect(shard != editedLine || merge.standardError.contains("'s line is not the run its observation file holds"), "\(merge.standardError)")
                #expect(shard != otherTask || merge.standardError.contains(" was trained with task parity; entry 'xor' gives xor\n"), "\(merge.standardError)")
                // A refused merge prints its error only, no header of a merge that did not happen.
                #expect(merge.output.isEmpty, "\(merge.output)")
            }
            #expect(try manager.contentsOfDirectory(atPath: folder.appendingPathComponent("out-\(shard)").path) == [])
        }
    }

    /// Which pairs a shard holds is the plan's choice: a shard whose pairs all lack a baseline
    /// passes alone, as one beside compared pairs does, and the merge applies "compared nothing
    /// is not a pass" to the whole run.
    @Test func aShardOfOnlyNewEntriesLeavesTheVerdictToTheMerge() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for index in 1...2 {
            let shard = try CommandRunner.run(
                ["run", "xor-linear", "--suite", "tiny.json", "--baselines", "empty", "--shard", "\(index)/2", "--output", "new-\(index)", "--junit", "new-\(index).xml"],
                in: folder)
            #expect(shard.status == 0, "shard \(index): \(shard.output)\(shard.standardError)")
            #expect(shard.output.hasSuffix("No entry of this shard has a baseline; 'nnbench merge' of every shard compares the whole run, and fails it if no entry of the run has one.\nOK: 1 new\n"), "\(shard.output)")
        }
        let merge = try CommandRunner.run(["merge", "new-1", "new-2", "--baselines", "empty"], in: folder)
        #expect(merge.status == 2 && merge.output.hasSuffix("FAILED: 1 new\n"), "\(merge.output)")
        let allowed = try CommandRunner.run(["merge", "new-1", "new-2", "--baselines", "empty", "--allow-new"], in: folder)
        #expect(allowed.status == 2 && allowed.output.contains("nothing was compared"), "\(allowed.output)")
        // Beside an entry with a baseline, every shard passes alone whichever pairs it holds, and
        // the merge, without --allow-new, fails on the new entry.
        try manager.createDirectory(at: folder.appendingPathComponent("only-xor"), withIntermediateDirectories: true)
        try manager.copyItem(at: folder.appendingPathComponent("base/xor.json.gz"), to: folder.appendingPathComponent("only-xor/xor.json.gz"))
        for index in 1...3 {
            let shard = try CommandRunner.run(
                ["run", "all", "--suite", "tiny.json", "--baselines", "only-xor", "--shard", "\(index)/3", "--output", "mixed-\(index)"], in: folder)
            #expect(shard.status == 0, "shard \(index): \(shard.output)\(shard.standardError)")
        }
        let mixed = try CommandRunner.run(["merge", "mixed-1", "mixed-2", "mixed-3", "--baselines", "only-xor"], in: folder)
        #expect(mixed.status == 2 && mixed.output.hasSuffix("FAILED: 1 pass, 1 new\n"), "\(mixed.output)")
        let mixedAllowed = try CommandRunner.run(["merge", "mixed-1", "mixed-2", "mixed-3", "--baselines", "only-xor", "--allow-new"], in: folder)
        #expect(mixedAllowed.status == 0, "\(mixedAllowed.output)")
    }

    /// One output over another, or over the baselines, is refused before the run: the later
    /// write would replace a record, a shard's manifest or a baseline, and the run exit 0.
    @Test func anOutputOverAnotherOrOverTheBaselinesIsRefused() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.runShards(in: folder)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.xml").path, withDestinationPath: "o/xor.jsonl")
        let run = ["run", "xor", "--suite", "tiny.json", "--baselines", "base"]
        let merge = ["merge", "shard-1", "shard-2", "shard-3", "--baselines", "base"]
        let cases: [([String], String)] = [
            (run + ["--output", "o", "--junit", "o/xor.json.gz"], "--output's xor.json.gz and --junit both name 'o/xor.json.gz'"),
            (run + ["--output", "o", "--report", "./o/xor.observation.json.gz"], "--output's xor.observation.json.gz and --report both name './o/xor.observation.json.gz'"),
            (run + ["--output", "o", "--junit", "link.xml"], "--output's xor.jsonl and --junit both name 'link.xml'"),
            (run + ["--shard", "1/2", "--output", "o", "--junit", "o/shard.json"], "--output's shard.json and --junit both name 'o/shard.json'"),
            (run + ["--output", "base"], "--output and --baselines both name 'base'"),
            (run + ["--tensorboard", "./base/"], "--tensorboard and --baselines both name 'base'"),
            (merge + ["--output", "o", "--junit", "o/xor-linear.json.gz"], "--output's xor-linear.json.gz and --junit both name 'o/xor-linear.json.gz'"),
            (merge + ["--output", "base"], "--output and --baselines both name 'base'"),
            (["generate", "xor", "--output", "data.csv", "--plot", "link.svg"], "--output and --plot both name 'link.svg'"),
            // The baselines and the suite are read, never written.
            (run + ["--junit", "base/xor.json.gz"], "--junit 'base/xor.json.gz' is in the --baselines folder 'base', which is read and never written"),
            (run + ["--report", "./base/page.html"], "--report './base/page.html' is in the --baselines folder 'base', which is read and never written"),
            (merge + ["--junit", "base/xor-linear.json.gz"], "--junit 'base/xor-linear.json.gz' is in the --baselines folder 'base'"),
            (run + ["--junit", "tiny.json"], "--junit and --suite both name 'tiny.json'"),
        ]
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.svg").path, withDestinationPath: "data.csv")
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments, in: folder)
            #expect(result.status == 64 && result.standardError.hasPrefix("nnbench: error: \(message)"), "\(arguments): \(result.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("base").path).sorted() == ["xor-linear.json.gz", "xor.json.gz"])
        // Two outputs into one device do not replace each other.
        let null = try CommandRunner.run(run + ["--junit", "/dev/null", "--report", "/dev/null"], in: folder)
        #expect(null.status == 0, "\(null.standardError)")
    }

    @Test func anOutputThatIsNoFolderSaysWhy() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write([], to: folder.appendingPathComponent("file").path)
        let cases: [(String, String)] = [
            ("/dev/null", "cannot write --output '/dev/null': it exists and is not a folder"),
            ("file", "cannot write --output 'file': it exists and is not a folder"),
            ("/proc/nnbench/out", "cannot write --output '/proc/nnbench/out': cannot create the directory '/proc/nnbench': No such file or directory"),
        ]
        for (output, message) in cases {
            for command in [["run", "xor", "--suite", "tiny.json", "--baselines", "base"], ["merge", "nowhere", "--baselines", "base"]] {
                let result = try CommandRunner.run(command + ["--output", output], in: folder)
                #expect(result.status == 2 && result.standardError == "nnbench: error: \(message)\n", "\(command) \(output): \(result.standardError)")
            }
        }
    }

    @Test func aRegressionOnlyTheMergeCanSeeFailsTheMerge() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let suite = """
            {"schema": 1, "name": "slow", "entries": [{"name": "xor", "task": "xor", "architecture": "dense(4) tanh dense(1)", "optimizer": "adam(lr: 0.05)", "batch_size": 4, "epochs": 300, "seeds": [0, 1, 2, 3], "target": {"split": "train", "metric": "accuracy", "value": 1}}]}
            """
        try AtomicFile.write(Array(suite.utf8), to: folder.appendingPathComponent("slow.json").path)
        let record = try CommandRunner.run(["baseline", "record", "--suite", "slow.json", "--baselines", "base"], in: folder)
        #expect(record.status == 0, "\(record.standardError)")
        // At a tenth of the recorded rate every seed still meets its target in 300 epochs, so
        // each shard of two seeds passes alone ...
        for index in 1...2 {
            let shard = try CommandRunner.run(
                ["run", "all", "--suite", "slow.json", "--baselines", "base", "--optimizer", "adam(lr: 0.005)", "--shard", "\(index)/2", "--output", "shard-\(index)"],
                in: folder)
            #expect(shard.status == 0, "shard \(index): \(shard.output)")
        }
        // ... but later: the t test over all four seeds, the merge's, finds the regression.
        let merge = try CommandRunner.run(["merge", "shard-1", "shard-2", "--baselines", "base", "--junit", "junit.xml"], in: folder)
        #expect(merge.status == 1, "\(merge.output)")
        #expect(merge.output.contains("epochs to target: ") && merge.output.contains("FAILED: 1 regressed"))
        let junit = String(decoding: try AtomicFile.read(folder.appendingPathComponent("junit.xml").path, limit: 1 << 20), as: UTF8.self)
        #expect(junit.contains("failures=\"1\""))
    }
}
