import ArgumentParser
import Foundation
import NNBench

/// `nnbench merge DIR...`: the shards of a run put together and compared as the run unsplit.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the --output folders of every shard of a run ('nnbench run … --shard i/n') and compare the whole with the baselines.",
        discussion: """
            Checks that the folders are one run's shards, every one of them: the same suite \
            (digest), engine (fingerprint), platform, shard count and plan, each shard once, \
            every (entry, seed) pair run once; and that each shard's files agree with its \
            manifest, with the data this nnbench generates, and with each other. Then puts \
            every entry's seeds together in the entry's seed order and compares them with the baselines as 'nnbench run' does, \
            exact or with the one-sided t test over every seed, printing the same table. \
            --output writes what 'nnbench run --output' writes: the ENTRY.json.gz files byte for \
            byte those of the run unsplit, ENTRY.jsonl and ENTRY.observation.json.gz with the \
            shards' wall times. See docs/shards.md.

            Examples:
              nnbench merge shard-1 shard-2 shard-3
              nnbench merge shards/* --junit results.xml --output runs/

            Exit status: 0 when every entry was compared and none failed; 1 when one regressed, \
            changed or missed its target; 2 when the folders are not one run's shards (naming \
            what differs, or the missing or doubled shard), a shard's file cannot be read, an \
            entry could not be compared, or nothing was; 64 for a usage error.
            """)

    @Argument(help: ArgumentHelp("The --output folders of every shard, in any order.", valueName: "dir"))
    var directories: [String] = []

    @Option(help: ArgumentHelp("The baselines folder; it must exist.", valueName: "dir"))
    var baselines: String = "Baselines"

    @Flag(help: "Accept entries that have no baseline file (verdict 'new') instead of failing with status 2.")
    var allowNew = false

    @Flag(help: "Print the comparison as JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Also write the comparison as JUnit XML (one test case per entry).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write the merged records as 'nnbench run --output' does: DIR/ENTRY.json.gz, DIR/ENTRY.jsonl, DIR/ENTRY.observation.json.gz.", valueName: "dir"))
    var output: String?

    func run() throws {
        guard !directories.isEmpty else {
            throw failure("no shard folder given; expected the --output folders of every shard of a run", status: ExitStatus.usage)
        }
        // --output into the baselines folder would replace the baselines it is compared with.
        try OutputPath.checkDistinct([("--junit", junit), ("--output", output), ("--baselines", baselines)])
        try OutputPath.checkOutside(("--baselines", baselines), files: [("--junit", junit)])
        // A folder given twice is a shard given twice, which the merge names (status 2); the
        // merged output must not overwrite a shard's files.
        for directory in directories { try OutputPath.checkDistinct([("--output", output), ("the shard folder", directory)]) }
        try BaselineFolder.check(baselines)
        if let output { try OutputPath.prepareFolder(output, option: "--output") }
        if let junit { try OutputPath.checkFile(junit, option: "--junit") }
        let merge: ShardMerge
        do { merge = try ShardMerge(directories) } catch { throw failure(error.description, status: ExitStatus.error) }
        // The JUnit file must not replace a file the merge reads (a shard's manifest or records)
        // or writes.
        let names = [ShardManifest.fileName] + merge.suite.entries.flatMap(OutputPath.runFiles)
        for part in merge.parts { try OutputPath.checkNotAmong(names, in: ("the shard folder", part.directory), files: [("--junit", junit)]) }
        try OutputPath.checkNotAmong(names, in: ("--output", output), files: [("--junit", junit)])
        let manifest = merge.manifest
        let store = BaselineStore(directory: baselines)
        var comparisons: [EntryComparison] = []
        // Every shard file is read and checked before anything is written: a merge that fails
        // leaves no half-written --output, and one without --output fails on the same damage.
        var merged: [(entry: SuiteEntry, record: BaselineRecord, lines: [UInt8], observation: [UInt8])] = []
        do throws(ShardError) {
            for entry in merge.suite.entries {
                if let reason = merge.failure(of: entry.name) {
                    comparisons.append(.untrained(entry.name, reason: reason))
                    continue
                }
                let files = try merge.merged(entry)
                merged.append((entry, files.record, files.jsonLines, files.observation))
                comparisons.append(store.compare(files.record))
            }
        } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
        // The header once the shards are known to be whole: a refused merge prints only its error.
        if !json {
            let runs = merge.suite.entries.reduce(0) { $0 + $1.seeds.count }
            print("merged \(manifest.shard.count) shard\(manifest.shard.count == 1 ? "" : "s") of suite \(manifest.source) (\(merge.suite.entries.count) entr\(merge.suite.entries.count == 1 ? "y" : "ies"), \(runs) run\(runs == 1 ? "" : "s")), seeds \(manifest.seeds), baselines \(baselines)")
        }
        if let output {
            do throws(FileError) {
                try ShardManifest.removeStale(from: output)
                for (entry, record, lines, observation) in merged {
                    try AtomicFile.write(lines, to: "\(output)/\(RunRecordWriter.fileName(of: entry.name))")
                    try BaselineFile.write(record, to: output)
                    try AtomicFile.write(observation, to: "\(output)/\(ObservationFile.fileName(of: entry.name))")
                }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        let report = ComparisonReport(
            comparisons: comparisons, allowsNew: allowNew,
            context: [("suite", manifest.source), ("seeds", manifest.seeds), ("baselines", baselines)])
        if let junit {
            do throws(FileError) { try AtomicFile.write(Array(report.junit(suite: merge.suite.name).utf8), to: junit) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        print(json ? report.json() : report.text(), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
