import ArgumentParser
import Foundation
import NNBench

/// `nnbench baseline record|show|verify|diff`: the recorded results in `Baselines/`.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record, show, verify or compare the baselines in Baselines/ (one ENTRY.json.gz per suite entry).",
        subcommands: [Record.self, Show.self, Verify.self, Diff.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the selected entries (all by default) and write their baselines.")

        @Argument(help: ArgumentHelp("Entry or task names; all when none are given.", valueName: "entry"))
        var entries: [String] = []

        @OptionGroup var suite: SuiteOptions

        @Option(help: ArgumentHelp("The baselines directory; created when missing.", valueName: "dir"))
        var baselines: String = "Baselines"

        func run() throws {
            let prepared = try suite.prepare(entries)
            let progress = SuiteProgress(entries: prepared)
            let results = SuiteRunner.run(prepared, jobs: try suite.jobCount(), onEvent: progress.handle)
            progress.finish()
            do {
                try RunRecordWriter.createDirectory(baselines)
                for result in results {
                    let path = try BaselineFile.write(BaselineRecord(result), to: baselines)
                    let met = result.runs.filter { $0.epochsToTarget != nil }.count
                    print("recorded \(path): \(result.runs.count) seeds, target met by \(met)")
                }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one baseline: its entry, fingerprints and every seed's results.")

        @Argument(help: ArgumentHelp("An entry name, or a baseline file.", valueName: "entry"))
        var entry: String

        @Option(help: ArgumentHelp("The baselines directory.", valueName: "dir"))
        var baselines: String = "Baselines"

        @Flag(help: "Print the whole record (with every epoch's metrics) as JSON.")
        var json = false

        func run() throws {
            let path = entry.hasSuffix(".json.gz") ? entry : "\(baselines)/\(BaselineFile.fileName(of: entry))"
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
            abstract: "Check that every suite entry has a baseline that reads and matches it; exit 1 otherwise.")

        @OptionGroup var suite: SuiteOptions

        @Option(help: ArgumentHelp("The baselines directory.", valueName: "dir"))
        var baselines: String = "Baselines"

        func run() throws {
            let prepared = try suite.prepare([])
            let problems = BaselineStore(directory: baselines).problems(serving: prepared)
            for problem in problems { print("problem: \(problem)") }
            if !problems.isEmpty { throw ExitStatus.failed }
            print("all \(prepared.count) baselines read and match the suite")
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare NEW with OLD: each a baseline file or a directory of them (Baselines/, or a run's --output).",
            discussion: "Entries present in both are compared as 'nnbench run' compares a run with its baseline; exit 1 when one regressed.")

        @Argument(help: ArgumentHelp("The reference: a .json.gz file or a directory.", valueName: "old"))
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
                throw failure("'\(old)' and '\(new)' have no entry in common", status: ExitStatus.usage)
            }
            let report = ComparisonReport(comparisons: comparisons)
            print(json ? report.json() : report.text(passingDetails: true), terminator: "")
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }

        /// The records of a file or of every `.json.gz` in a directory, by entry name, sorted.
        private func load(_ path: String) throws -> [(name: String, record: Result<BaselineRecord, BaselineError>)] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw failure("'\(path)' does not exist; expected a baseline file or a directory of them", status: ExitStatus.usage)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json.gz") }.sorted().map { "\(path)/\($0)" }
                : [path]
            return files.map { file in
                let name = String(URL(fileURLWithPath: file).lastPathComponent.dropLast(".json.gz".count))
                return (name, Result { () throws(BaselineError) in try BaselineFile.read(file) })
            }
        }
    }
}
