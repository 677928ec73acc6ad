import ArgumentParser
import Foundation
import NNBench

/// `nnbench run all | TASK...`: train the suite and compare every result with its baseline.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train the benchmark suite and compare every result with its baseline in Baselines/.",
        discussion: """
            Runs every seed of every selected entry (in parallel; the numbers do not depend on \
            --jobs), stopping each run at the first epoch that meets its target, then prints one \
            row per entry and metric (epochs to target, the target's metric) with the verdict: \
            pass, improved, regressed, changed, new, missed target, error. When the engine \
            fingerprint, platform, data and entry match the baseline's, every number must match \
            bit for bit (exact mode); otherwise (another platform, --arch, --optimizer) means are \
            compared with a one-sided t test whose tolerance comes from the baseline's spread \
            across seeds. The first line names the suite, the seeds and the baselines folder. \
            'run' never writes baselines: see 'nnbench baseline record'.

            Examples:
              nnbench run all
              nnbench run xor two-spirals --seeds 10 --jobs 2
              nnbench run moons --optimizer "sgd(lr: 0.1, momentum: 0.9)"
              nnbench run all --junit results.xml --output runs/
              nnbench run all --shard 2/3 --output shard-2   (then: nnbench merge shard-*)

            Exit status: 0 when every entry was compared and none failed; 1 when one regressed, \
            changed or missed its target; 2 when one could not be compared (no baseline file \
            without --allow-new, a corrupt baseline, an entry that could not be trained; the \
            other entries still run), the baselines folder or the suite file cannot be read, or \
            an output cannot be written; 64 for a usage error. With --shard, the verdicts are \
            each seed's alone (a missed target, in exact mode a changed curve); the comparison \
            of means over every seed, and whether a missing baseline fails the run, are \
            'nnbench merge''s (docs/shards.md).
            """)

    @Argument(help: ArgumentHelp("'all', or entry or task names: an entry's name selects that entry, a task's name every entry of the task (see Datasets/suites/default.json).", valueName: "entry"))
    var entries: [String] = []

    @OptionGroup var suite: SuiteOptions

    @OptionGroup var jobs: JobOptions

    @Option(help: ArgumentHelp("Replace every selected entry's architecture, a spec or a JSON model file (entries meant to miss their target are left out).", valueName: "spec"))
    var arch: String?

    @Option(help: ArgumentHelp("Replace every selected entry's optimizer, e.g. \"sgd(lr: 0.1, momentum: 0.9)\".", valueName: "spec"))
    var optimizer: String?

    @Option(help: ArgumentHelp("The baselines folder; it must exist.", valueName: "dir"))
    var baselines: String = "Baselines"

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Run shard i of n (1 <= i <= n): the (entry, seed) pairs the plan gives it, balanced by the cost the baselines hold; each seed's verdict alone, the rest from 'nnbench merge' of every shard's --output (docs/shards.md).",
        valueName: "i/n"))
    var shard: String?

    @Flag(help: "Accept entries that have no baseline file (verdict 'new') instead of failing the run with status 2.")
    var allowNew = false

    @Flag(help: "Print the comparison as JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Also write the comparison as JUnit XML (one test case per entry).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write each run's per-epoch record as JSON lines (DIR/ENTRY.jsonl), each entry's result in the baseline format (DIR/ENTRY.json.gz) and what 'nnbench report DIR' draws (DIR/ENTRY.observation.json.gz).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp(
        "Write an HTML report: the verdicts, then each entry's learning curves, layers, activations and data; see docs/reports.md.",
        valueName: "file.html"))
    var report: String?

    @Option(help: ArgumentHelp(
        "Write TensorBoard event files (per-epoch scalars and histograms) to DIR/ENTRY/seed-N; see docs/reports.md.", valueName: "dir"))
    var tensorboard: String?

    @Flag(name: .customLong("no-diagnoses"), help: "Do not diagnose the runs (dead units, update ratios, a loss that does not fall: docs/diagnoses.md); diagnoses are warnings and never change the exit status.")
    var noDiagnoses = false

    @Flag(name: .customLong("diagnoses-margins"), help: "After the comparison, print each diagnosis rule's figure closest to its threshold over the entries meant to meet their target, and the lesson entries' diagnoses (docs/diagnoses.md).")
    var diagnosesMargins = false

    @Flag(name: .customLong("write-default-suite"), help: "Write the default suite, built from the catalogue, to --suite (default Datasets/suites/default.json) and exit.")
    var writeDefaultSuite = false

    func run() throws {
        if writeDefaultSuite { return try writeSuite() }
        if diagnosesMargins, noDiagnoses {
            throw failure("--diagnoses-margins cannot be combined with --no-diagnoses: the margins are the diagnoses' own figures", status: ExitStatus.usage)
        }
        if diagnosesMargins, json {
            throw failure("--diagnoses-margins cannot be combined with --json: the margins are a text table, and stdout would no longer be JSON", status: ExitStatus.usage)
        }
        let shard = try self.shard.map(ShardOption.parse)
        let architecture = try arch.map { try ArchitectureArgument.parse($0) }
        let optimizerSpec = try optimizer.map(Self.parseOptimizer)
        let selection = try suite.prepare(entries) { entry in
            var entry = entry
            if let architecture {
                guard entry.expectation == .meet else { return nil }
                entry.architecture = architecture.description
            }
            if let optimizerSpec { entry.optimizer = optimizerSpec.description }
            return entry
        }
        guard !selection.entries.isEmpty else {
            throw failure("no entry to run: --arch leaves out the entries meant to miss their target, and those are all that were selected", status: ExitStatus.usage)
        }
        let jobCount = try jobs.count()
        // Everything that can be checked before the work is: the command line, the inputs, the outputs.
        try BaselineFolder.check(baselines)
        let store = BaselineStore(directory: baselines)
        let plan = try shard.map { try Self.plan(selection.entries, shard: $0, baselines: store) }
        // The entries this process runs, each with its place in the selection: every one, or a shard's part.
        let running: [(position: Int, prepared: PreparedEntry)] = plan.map { plan in
            selection.entries.indices.compactMap { index in
                let seeds = plan.seeds(of: index, in: shard!.index)
                return seeds.isEmpty ? nil : (index, PreparedEntry(selection.entries[index], seeds: seeds))
            }
        } ?? Array(selection.entries.enumerated().map { ($0.offset, $0.element) })
        let entries = running.map(\.prepared)
        // --output or --tensorboard into the baselines folder would replace or litter the
        // baselines the run is compared with, --junit or --report over a record or the suite
        // would replace it.
        try OutputPath.checkDistinct([
            ("--junit", junit), ("--report", report), ("--output", output), ("--tensorboard", tensorboard), ("--baselines", baselines),
            ("--suite", suite.suite ?? Suite.defaultPath),
        ])
        try OutputPath.checkOutside(("--baselines", baselines), files: [("--junit", junit), ("--report", report)])
        try OutputPath.checkNotAmong(
            [ShardManifest.fileName] + entries.map(\.entry).flatMap(OutputPath.runFiles), in: ("--output", output),
            files: [("--junit", junit), ("--report", report)])
        // The folders first: a report may go inside the --output folder this run creates.
        if let output { try OutputPath.prepareFolder(output, option: "--output") }
        if let tensorboard { try OutputPath.prepareFolder(tensorboard, option: "--tensorboard") }
        if let junit { try OutputPath.checkFile(junit, option: "--junit") }
        if let report { try OutputPath.checkFile(report, option: "--report") }
        let seeds = suite.seedsDescription(selection.entries)
        if !json {
            print(selection.header(seeds: seeds, baselines: baselines))
            if let plan, let shard { print(Self.shardLine(plan, shard: shard)) }
            // The progress lines go to standard error, unbuffered: in a log that takes both, the
            // header comes first. A failed write is reported at the end, as every print's.
            try? StandardOutput.flush()
        }
        let progress = SuiteProgress(entries: entries)
        let results = SuiteRunner.run(
            entries, jobs: jobCount, observation: report == nil && tensorboard == nil && output == nil ? nil : TrainingObservation(),
            diagnoses: !noDiagnoses, onEvent: progress.handle)
        progress.finish()
        if !noDiagnoses { DiagnosisWarnings.print(results) }
        let trained = results.filter { $0.failure == nil }
        if let output {
            do {
                // An unsplit run's folder is no shard: a manifest left by an earlier shard run
                // would make the merge take it for one.
                if shard == nil { try ShardManifest.removeStale(from: output) }
                try RunRecordWriter.write(trained, to: output)
                for result in trained { try BaselineFile.write(BaselineRecord(result), to: output) }
                for (running, result) in zip(running, results) where result.failure == nil {
                    try ObservationFile.write(result, position: running.position, to: output)
                }
                if let plan, let shard {
                    let failed = results.compactMap { result in result.failure.map { ShardManifest.Failure(entry: result.entry.name, reason: $0) } }
                    let suite = Suite(name: selection.name, entries: selection.entries.map(\.entry))
                    try ShardManifest(shard: shard, suite: suite, source: selection.source, seeds: seeds, plan: plan, failed: failed).write(to: output)
                }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        if let tensorboard {
            do throws(FileError) {
                for result in trained {
                    for record in result.runs {
                        try TensorBoardLog(record: record).write(to: TensorBoardLog.folder(in: tensorboard, name: result.entry.name, seed: record.seed))
                    }
                }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        let comparisons = results.map { result in
            result.failure.map { EntryComparison.untrained(result.entry.name, reason: $0) }
                ?? (shard == nil ? store.compare(BaselineRecord(result)) : Self.compareSeeds(BaselineRecord(result), in: store))
        }
        var report = ComparisonReport(
            // A shard's 'new' is the merge's to judge, with every seed.
            comparisons: comparisons, allowsNew: allowNew, isShard: shard != nil,
            context: [("suite", selection.source), ("seeds", seeds), ("baselines", baselines)] + (shard.map { [("shard", $0.description)] } ?? []))
        if !noDiagnoses {
            for result in results where result.failure == nil {
                report.diagnoses[result.entry.name] = zip(result.runs, result.diagnoses).map { ($0.seed, $1) }
            }
        }
        if let path = self.report {
            let page = RunReport(
                entries: zip(entries, zip(results, comparisons)).map {
                    RunReport.Entry(prepared: $0, result: $1.0, comparison: $1.1, baseline: store.record(of: $0.entry.name))
                },
                allowsNew: allowNew, isShard: shard != nil, summary: [quotedCommandLine], threads: jobCount)
            try writePage(page.html, to: path)
        }
        if let junit {
            do throws(FileError) { try AtomicFile.write(Array(report.junit(suite: selection.name).utf8), to: junit) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        print(json ? report.json() : report.text(), terminator: "")
        if diagnosesMargins {
            let replaced = [arch.map { _ in "--arch" }, optimizer.map { _ in "--optimizer" }].compactMap(\.self)
            print(DiagnosisMargins.text(results, replaced: replaced), terminator: "")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// `--write-default-suite`, which takes no other option but `--suite`.
    private func writeSuite() throws {
        guard entries.isEmpty, shard == nil, arch == nil, optimizer == nil, junit == nil, output == nil, report == nil, tensorboard == nil, !json, !allowNew, !noDiagnoses, !diagnosesMargins,
              suite.seeds == nil, jobs.jobs == nil, baselines == "Baselines" else {
            throw failure("--write-default-suite writes the suite and exits; it takes no entries and no option but --suite", status: ExitStatus.usage)
        }
        let path = suite.suite ?? Suite.defaultPath
        try OutputPath.checkFile(path, option: "--suite")
        do { try AtomicFile.write(Suite.makeDefault().encoded(), to: path) } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
        print("wrote the default suite (\(Suite.makeDefault().entries.count) entries) to \(path)")
    }

    /// `--optimizer`, read once before any entry is prepared.
    private static func parseOptimizer(_ text: String) throws -> OptimizerSpec {
        do { return try OptimizerSpec(parsing: text) } catch {
            throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
        }
    }
}
