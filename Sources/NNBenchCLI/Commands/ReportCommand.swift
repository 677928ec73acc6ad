import ArgumentParser
import Foundation
import NNBench

/// `nnbench report DIR`: the HTML report of a finished run, from what `run --output DIR` wrote.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML report of a run from its output folder ('nnbench run … --output DIR').",
        discussion: """
            Reads every ENTRY.observation.json.gz of DIR (the observed runs: curves, per-tensor \
            statistics, histograms, activations, weight snapshots) with the ENTRY.json.gz beside it \
            (the entry and its results in the baseline format), compares each entry with its \
            baseline in --baselines as 'nnbench run' does, and writes the page 'nnbench run \
            --report' writes, entries in the run's order. Entries that could not be trained have \
            no files in DIR and are not in the report.

            Examples:
              nnbench run xor blobs --output runs/
              nnbench report runs/                       # writes runs/report.html
              nnbench report runs/ --output xor.html --baselines Baselines

            Exit status: 0 when the report was written (whatever its verdicts); 2 when DIR, a file \
            in it or the baselines folder cannot be read or trusted (missing, truncated, corrupt, \
            written for other data), or the report cannot be written; 64 for a usage error.
            """)

    @Argument(help: ArgumentHelp("The folder 'nnbench run … --output DIR' wrote.", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("The HTML file to write (default DIR/report.html).", valueName: "file.html"))
    var output: String?

    @Option(help: ArgumentHelp("The baselines folder the verdicts are computed against; it must exist.", valueName: "dir"))
    var baselines: String = "Baselines"

    @Flag(help: "Count entries without a baseline file (verdict 'new') as passing, as 'nnbench run --allow-new' does.")
    var allowNew = false

    func run() throws {
        try OutputPath.checkNotEmpty(directory, option: "DIR")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("the run folder '\(directory)' does not exist or is not a folder; expected the folder 'nnbench run … --output DIR' wrote", status: ExitStatus.error)
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(ObservationFile.suffix) }.sorted() } catch {
            throw failure("cannot read the run folder '\(directory)': \((error as NSError).localizedDescription)", status: ExitStatus.error)
        }
        guard !names.isEmpty else {
            throw failure("the run folder '\(directory)' holds no ENTRY\(ObservationFile.suffix); write it with 'nnbench run … --output \(directory)'", status: ExitStatus.error)
        }
        try BaselineFolder.check(baselines)
        let path = output ?? file("report.html")
        try OutputPath.checkFile(path, option: "--output")
        let store = BaselineStore(directory: baselines)
        let entries = try names.map { try entry($0, store: store) }.sorted { $0.position < $1.position }.map(\.entry)
        let page = RunReport(
            entries: entries, allowsNew: allowNew, summary: [quotedCommandLine],
            threads: ProcessInfo.processInfo.activeProcessorCount)
        try writePage(page.html, to: path)
        print("wrote \(path): \(entries.count) entr\(entries.count == 1 ? "y" : "ies")")
    }

    /// The path of a file in DIR, without a doubled slash when DIR ends in one.
    private func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// One entry of the report from its two files, compared with its baseline.
    private func entry(_ name: String, store: BaselineStore) throws -> (position: Int, entry: RunReport.Entry) {
        let observationPath = file(name)
        let observation: ObservationFile.Content
        do { observation = try ObservationFile.read(observationPath) } catch { throw failure(error.description, status: ExitStatus.error) }
        let entryName = String(name.dropLast(ObservationFile.suffix.count))
        let resultPath = file(BaselineFile.fileName(of: entryName))
        guard observation.entry == entryName else {
            throw failure("observation '\(observationPath)' holds the entry '\(observation.entry)', not '\(entryName)'", status: ExitStatus.error)
        }
        guard FileManager.default.fileExists(atPath: resultPath) else {
            throw failure("observation '\(observationPath)' has no '\(resultPath)' beside it; write both with 'nnbench run … --output DIR'", status: ExitStatus.error)
        }
        let record: BaselineRecord
        do { record = try BaselineFile.read(resultPath) } catch { throw failure(error.description, status: ExitStatus.error) }
        let prepared: PreparedEntry
        do { prepared = try PreparedEntry(record.entry) } catch { throw failure("'\(resultPath)': \(error.description)", status: ExitStatus.error) }
        guard prepared.datasetFingerprint == record.datasetSHA256 else {
            throw failure("'\(resultPath)' was trained on other data than this nnbench generates for its entry (dataset SHA-256 differs)", status: ExitStatus.error)
        }
        switch record.mismatch(runs: observation.records, prepared: prepared) {
        case nil: break
        case .numbers:
            throw failure("observation '\(observationPath)' does not hold the runs of '\(resultPath)'; write both again with 'nnbench run … --output DIR'", status: ExitStatus.error)
        case .setup(let seed, let field, let found, let expected):
            throw failure(
                "observation '\(observationPath)' seed \(seed) was trained with \(field) \(found); '\(resultPath)''s entry gives \(expected); write both again with 'nnbench run … --output DIR'",
                status: ExitStatus.error)
        }
        // The diagnoses are not saved: they are a function of the record, and the observation
        // holds all they read (the runs' diagnoses by `run --report` are computed the same way).
        let result = EntryResult(
            entry: record.entry, datasetFingerprint: record.datasetSHA256, splitSizes: record.splitSizes, runs: observation.records,
            measurements: observation.records.map(TrainingDiagnoses.measure))
        return (observation.position, RunReport.Entry(
            prepared: prepared, result: result, comparison: store.compare(record), baseline: store.record(of: record.entry.name)))
    }
}
