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
            pass, improved, regressed, changed, new, missed target. When the engine fingerprint, \
            platform, data and entry match the baseline's, every number must match bit for bit \
            (exact mode); otherwise means are compared with a one-sided t test whose tolerance \
            comes from the baseline's spread across seeds. 'run' never writes baselines: see \
            'nnbench baseline record'. Exit status 0 when nothing regressed, 1 when something \
            did, 2 for errors (a corrupt baseline: the other entries still run).
            """)

    @Argument(help: ArgumentHelp("'all', or entry or task names (see Datasets/suites/default.json).", valueName: "entry"))
    var entries: [String] = []

    @OptionGroup var suite: SuiteOptions

    @Option(help: ArgumentHelp("Replace every selected entry's architecture, a spec or a JSON model file (entries meant to miss their target are left out).", valueName: "spec"))
    var arch: String?

    @Option(help: ArgumentHelp("Replace every selected entry's optimizer, e.g. \"sgd(lr: 0.1, momentum: 0.9)\".", valueName: "spec"))
    var optimizer: String?

    @Option(help: ArgumentHelp("The baselines directory.", valueName: "dir"))
    var baselines: String = "Baselines"

    @Flag(help: "Print the comparison as JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Also write the comparison as JUnit XML (one test case per entry).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write each run's per-epoch record as JSON lines (DIR/ENTRY.jsonl) and each entry's result in the baseline format (DIR/ENTRY.json.gz).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp(
        "Write an HTML report: the verdicts, then each entry's learning curves, layers, activations and data; see docs/reports.md.",
        valueName: "file.html"))
    var report: String?

    @Flag(name: .customLong("write-default-suite"), help: "Write the default suite, built from the catalogue, to --suite (default Datasets/suites/default.json) and exit.")
    var writeDefaultSuite = false

    func run() throws {
        if writeDefaultSuite {
            let path = suite.suite ?? Suite.defaultPath
            do { try AtomicFile.write(Suite.makeDefault().encoded(), to: path) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            print("wrote the default suite (\(Suite.makeDefault().entries.count) entries) to \(path)")
            return
        }
        let architecture = try arch.map(ArchitectureArgument.parse)
        let prepared = try suite.prepare(entries) { try replacingSpecs($0, architecture: architecture) }
        let jobs = try suite.jobCount()
        let progress = SuiteProgress(entries: prepared)
        let results = SuiteRunner.run(prepared, jobs: jobs, observation: report == nil ? nil : TrainingObservation(), onEvent: progress.handle)
        progress.finish()
        let records = results.map(BaselineRecord.init)
        if let output {
            do {
                try RunRecordWriter.write(results, to: output)
                for record in records { try BaselineFile.write(record, to: output) }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        let store = BaselineStore(directory: baselines)
        let comparisons = records.map(store.compare)
        let report = ComparisonReport(comparisons: comparisons)
        if let path = self.report {
            let page = RunReport(
                entries: zip(prepared, zip(results, comparisons)).map { RunReport.Entry(prepared: $0, result: $1.0, comparison: $1.1) },
                summary: ["nnbench " + CommandLine.arguments.dropFirst().joined(separator: " ")])
            do { try AtomicFile.write(Array(page.html.utf8), to: path) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        if let junit {
            do throws(FileError) { try AtomicFile.write(Array(report.junit(suite: suite.suite.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? "default").utf8), to: junit) } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        print(json ? report.json() : report.text(), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// Applies `--arch` and `--optimizer`; with `--arch`, entries meant to miss are dropped and
    /// the others are expected to meet their target with the user's architecture.
    private func replacingSpecs(_ entry: SuiteEntry, architecture: ArchitectureSpec?) throws -> SuiteEntry? {
        var entry = entry
        if let architecture {
            guard entry.expectation == .meet else { return nil }
            entry.architecture = architecture.description
        }
        if let optimizer {
            do { entry.optimizer = try OptimizerSpec(parsing: optimizer).description } catch {
                throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
            }
        }
        return entry
    }
}
