import ArgumentParser
import Foundation
import NNBench

/// The options that choose what a suite run trains: the suite file, the entries, the seeds and
/// the number of parallel jobs.
struct SuiteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The suite file (JSON); the default is Datasets/suites/default.json, or the built-in default suite when that file is absent.", valueName: "file"))
    var suite: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Run seeds 0..<N for every entry instead of the suite's seeds.", valueName: "n"))
    var seeds: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Runs at a time (default: every core); results do not depend on it.", valueName: "n"))
    var jobs: String?

    /// Reads the suite, selects `names`, applies `--seeds`, and checks and prepares every entry.
    ///
    /// - Parameters:
    ///   - names: Entry or task names; `all` or none for every entry.
    ///   - transform: A change applied to each selected entry (the command line's `--arch`).
    /// - Returns: The prepared entries, in suite order.
    /// - Throws: Exit 2 for an unreadable suite file, 64 for an invalid suite, name or option.
    func prepare(_ names: [String], transform: (SuiteEntry) throws -> SuiteEntry? = { $0 }) throws -> [PreparedEntry] {
        var suite: Suite
        do {
            if let path = self.suite {
                suite = try Suite.read(path)
            } else if FileManager.default.fileExists(atPath: Suite.defaultPath) {
                suite = try Suite.read(Suite.defaultPath)
            } else {
                suite = Suite.makeDefault()
            }
            suite = try suite.selecting(names)
        } catch {
            throw failure(error.description, status: error.isFileError ? ExitStatus.error : ExitStatus.usage)
        }
        let seedList = try seedCount().map { (0..<UInt64($0)).map { $0 } }
        var prepared: [PreparedEntry] = []
        for var entry in suite.entries {
            if let seedList { entry.seeds = seedList }
            guard let changed = try transform(entry) else { continue }
            do { prepared.append(try PreparedEntry(changed)) } catch {
                throw failure(error.description, status: ExitStatus.usage)
            }
        }
        return prepared
    }

    /// `--seeds` as a count.
    func seedCount() throws -> Int? {
        guard let seeds else { return nil }
        guard let count = Int(seeds), (1...1000).contains(count) else {
            throw failure("invalid --seeds '\(seeds)'; expected an integer in 1...1000", status: ExitStatus.usage)
        }
        return count
    }

    /// `--jobs`, or the number of active cores.
    func jobCount() throws -> Int {
        guard let jobs else { return max(ProcessInfo.processInfo.activeProcessorCount, 1) }
        guard let count = Int(jobs), (1...256).contains(count) else {
            throw failure("invalid --jobs '\(jobs)'; expected an integer in 1...256", status: ExitStatus.usage)
        }
        return count
    }
}
