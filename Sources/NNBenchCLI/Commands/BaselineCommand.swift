import ArgumentParser
import Foundation
import NNBench

/// `nnbench baseline record|show|verify|diff`: the recorded results in `Baselines/`.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record, show, verify or compare the baselines in Baselines/ (one ENTRY.json.gz per suite entry).",
        discussion: """
            Examples:
              nnbench baseline record xor
              nnbench baseline show two-spirals
              nnbench baseline verify
              nnbench baseline diff Baselines runs/

            Exit status: see each subcommand's --help.
            """,
        subcommands: [Record.self, Show.self, Verify.self, Diff.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the selected entries (all by default) and write their baselines.",
            discussion: """
                An entry's name records that entry alone; a task's name that is no entry's records \
                every entry of the task. Re-recording unchanged results writes the same bytes.

                Examples:
                  nnbench baseline record
                  nnbench baseline record xor xor-linear --jobs 2
                  nnbench baseline record --suite my.json --baselines my-baselines

                Exit status: 0 when every selected entry was recorded; 2 when one could not be \
                trained (the others are recorded) or a file cannot be read or written; 64 for a \
                usage error.
                """)

        @Argument(help: ArgumentHelp("Entry or task names; all when none are given.", valueName: "entry"))
        var entries: [String] = []

        @OptionGroup var suite: SuiteOptions

        @OptionGroup var jobs: JobOptions

        @Option(help: ArgumentHelp("The baselines folder; created when missing.", valueName: "dir"))
        var baselines: String = "Baselines"

        func run() throws {
            try OutputPath.prepareFolder(baselines, option: "--baselines")
            let selection = try suite.prepare(entries)
            let jobCount = try jobs.count()
            print("recording " + selection.header(seeds: suite.seedsDescription(selection.entries), baselines: baselines))
            let progress = SuiteProgress(entries: selection.entries)
            let results = SuiteRunner.run(selection.entries, jobs: jobCount, onEvent: progress.handle)
            progress.finish()
            var untrained = 0
            for result in results {
                if let reason = result.failure {
                    untrained += 1
                    _ = failure("\(result.entry.name) could not be trained, nothing recorded: \(reason)", status: ExitStatus.error)
                    continue
                }
                do throws(FileError) {
                    let path = try BaselineFile.write(BaselineRecord(result), to: baselines)
                    let met = result.runs.filter { $0.epochsToTarget != nil }.count
                    print("recorded \(path): \(result.runs.count) seeds, target met by \(met)")
                } catch {
                    throw failure(error.description, status: ExitStatus.error)
                }
            }
            if untrained > 0 { throw ExitStatus.error }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one baseline: its entry, fingerprints and every seed's results.",
            discussion: """
                ENTRY is an entry's name, read from --baselines, or a baseline file's path (a \
                name with a '/' or ending in .gz).

                Examples:
                  nnbench baseline show xor
                  nnbench baseline show runs/xor.json.gz --json

                Exit status: 0 when the baseline was read; 2 when it is missing, unreadable or \
                corrupt; 64 for a usage error.
                """)

        @Argument(help: ArgumentHelp("An entry name, or a baseline file.", valueName: "entry"))
        var entry: String

        @Option(help: ArgumentHelp("The baselines folder.", valueName: "dir"))
        var baselines: String = "Baselines"

        @Flag(help: "Print the whole record (with every epoch's metrics) as JSON.")
        var json = false

        func run() throws {
            try OutputPath.checkNotEmpty(entry, option: "ENTRY")
            let path: String
            if entry.contains("/") || entry.hasSuffix(".gz") {
                path = entry
            } else {
                try BaselineFolder.check(baselines)
                path = "\(baselines)/\(BaselineFile.fileName(of: entry))"
                guard FileManager.default.fileExists(atPath: path) else {
                    throw failure("no baseline for entry '\(entry)': '\(path)' does not exist; record it with 'nnbench baseline record \(entry)'", status: ExitStatus.error)
                }
            }
            let record: BaselineRecord
            do { record = try BaselineFile.read(path) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                print(String(decoding: try encoder.encode(record), as: UTF8.self))
                return
            }
            let entry = record.entry
            print("\(entry.name): task \(entry.task)\(entry.parameters.isEmpty ? "" : " \(entry.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"), data seed \(entry.dataSeed)")
            print("  \(entry.architecture), \(entry.optimizer), \(entry.schedule), batch \(entry.batchSize), at most \(entry.epochs) epochs")
            print("  target \(entry.target) (expected to \(entry.expectation.rawValue) it)\(entry.note.isEmpty ? "" : "; \(entry.note)")")
            print("  data SHA-256 \(record.datasetSHA256)")
            print("  engine \(record.engine.version), fingerprint \(record.engine.fingerprint)")
            print("  platform \(record.platform)")
            var table = TextTable(header: ["seed", "epochs to target", "epochs run", "\(entry.target.split.rawValue) \(entry.target.metric.rawValue)", "test loss"])
            for seed in record.seeds {
                table.rows.append([
                    String(seed.seed), seed.epochsToTarget.map(String.init) ?? "missed", String(seed.final.epoch),
                    seed.final[entry.target.split].value(of: entry.target.metric).map { BaselineComparison.number($0) } ?? "-",
                    BaselineComparison.number(seed.final.test.loss),
                ])
            }
            print(table.render(), terminator: "")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every suite entry has a baseline that reads and matches it.",
            discussion: """
                Reads every entry's baseline (its gzip CRC, schema and SHA-256), compares its \
                entry and data with the suite's, and lists files that belong to no entry.

                Examples:
                  nnbench baseline verify
                  nnbench baseline verify --suite my.json --baselines my-baselines

                Exit status: 0 when every baseline reads and matches; 1 when one was recorded for \
                another entry or other data, or a file belongs to no entry; 2 when the folder or \
                a baseline is missing, unreadable or corrupt, or the suite cannot be read; 64 for \
                a usage error.
                """)

        @OptionGroup var suite: SuiteOptions

        @Option(help: ArgumentHelp("The baselines folder.", valueName: "dir"))
        var baselines: String = "Baselines"

        func run() throws {
            try BaselineFolder.check(baselines)
            let selection = try suite.prepare([])
            let problems = BaselineStore(directory: baselines).problems(serving: selection.entries)
            for problem in problems { print("problem: \(problem)") }
            if problems.contains(where: \.isUnreadable) { throw ExitStatus.error }
            if !problems.isEmpty { throw ExitStatus.failed }
            print("all \(selection.entries.count) baselines read and match the suite")
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare NEW with OLD: each a baseline file or a folder of them (Baselines/, or a run's --output).",
            discussion: """
                Entries present in both are compared as 'nnbench run' compares a run with its \
                baseline; after a deliberate change to the engine it says whether every curve is \
                still identical, bit for bit. A folder's entries are named by their files, a file \
                given alone by the entry it holds.

                Examples:
                  nnbench baseline diff Baselines runs/
                  nnbench baseline diff old/xor.json.gz Baselines/xor.json.gz

                Exit status: 0 when no entry in common regressed; 1 when one regressed, changed \
                or missed its target; 2 when OLD or NEW does not exist, a file is not a readable \
                baseline, or they have no entry in common (nothing compared); 64 for a usage \
                error.
                """)

        @Argument(help: ArgumentHelp("The reference: a .json.gz file or a folder.", valueName: "old"))
        var old: String

        @Argument(help: ArgumentHelp("What is compared with it.", valueName: "new"))
        var new: String

        @Flag(help: "Print the comparison as JSON instead of a table.")
        var json = false

        func run() throws {
            let oldRecords = try load(old), newRecords = try load(new)
            var comparisons: [EntryComparison] = []
            for (name, record) in newRecords {
                guard let reference = oldRecords.first(where: { $0.name == name }) else { continue }
                switch (record, reference.record) {
                case (.success(let current), .success(let baseline)):
                    comparisons.append(BaselineComparison.compare(current, with: baseline))
                case (.failure(let error), _), (_, .failure(let error)):
                    comparisons.append(.unreadable(name, error: error))
                }
            }
            guard !comparisons.isEmpty else {
                let names = { (records: [(name: String, record: Result<BaselineRecord, BaselineError>)]) in
                    records.map(\.name).joined(separator: ", ")
                }
                // Comparing nothing is not a pass.
                throw failure("'\(old)' (\(names(oldRecords))) and '\(new)' (\(names(newRecords))) have no entry in common; nothing was compared", status: ExitStatus.error)
            }
            let report = ComparisonReport(comparisons: comparisons)
            print(json ? report.json() : report.text(passingDetails: true), terminator: "")
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }

        /// The records of a file, named by its entry, or of every `.json.gz` in a folder, named by
        /// their files, sorted.
        private func load(_ path: String) throws -> [(name: String, record: Result<BaselineRecord, BaselineError>)] {
            try OutputPath.checkNotEmpty(path, option: "OLD and NEW")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw failure("'\(path)' does not exist; expected a baseline file or a folder of them", status: ExitStatus.error)
            }
            guard isDirectory.boolValue else {
                do throws(BaselineError) {
                    let record = try BaselineFile.read(path)
                    return [(record.entry.name, .success(record))]
                } catch {
                    throw failure("\(error.description); expected a baseline file (ENTRY.json.gz) or a folder of them", status: ExitStatus.error)
                }
            }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json.gz") }.sorted()
            guard !files.isEmpty else {
                throw failure("the folder '\(path)' holds no baseline file (ENTRY.json.gz)", status: ExitStatus.error)
            }
            return files.map { file in
                (String(file.dropLast(".json.gz".count)), Result { () throws(BaselineError) in try BaselineFile.read("\(path)/\(file)") })
            }
        }
    }
}
