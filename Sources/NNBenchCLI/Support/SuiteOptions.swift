import ArgumentParser
import Foundation
import NNBench

/// The options that choose the entries of a suite a command works on: the suite file and the
/// seeds.
struct SuiteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The suite file (JSON); the default is Datasets/suites/default.json, or the built-in default suite when that file is absent.", valueName: "file"))
    var suite: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Run seeds 0..<N for every entry instead of the suite's seeds.", valueName: "n"))
    var seeds: String?

    /// The entries a command works on, and where they came from.
    struct Selection {
        /// Where the suite came from, for the run's header: `Datasets/suites/default.json`, or the
        /// built-in default suite.
        let source: String
        /// The suite's name, for JUnit.
        let name: String
        /// The prepared entries, in suite order.
        let entries: [PreparedEntry]
        /// The number of entries of the whole suite.
        let suiteCount: Int

        /// `suite Datasets/suites/default.json (2 of 21 entries), seeds 0..<5, baselines Baselines`:
        /// what a run compares, in one line.
        func header(seeds: String, baselines: String) -> String {
            let selected = entries.count == suiteCount ? (suiteCount == 1 ? "its 1 entry" : "all \(suiteCount) entries") : "\(entries.count) of \(suiteCount) entries"
            return "suite \(source) (\(selected)), seeds \(seeds), baselines \(baselines)"
        }
    }

    /// Reads the suite, selects `names`, applies `--seeds`, and checks and prepares every entry.
    ///
    /// - Parameters:
    ///   - names: Entry or task names; `all` or none for every entry.
    ///   - transform: A change applied to each selected entry (the command line's `--arch`), or
    ///     `nil` to leave it out.
    /// - Returns: The prepared entries, in suite order, and where they came from.
    /// - Throws: Exit 2 for a suite file that cannot be read or holds an invalid entry; 64 for an
    ///   unknown name, a bad option, or an entry the command line's change makes invalid.
    func prepare(_ names: [String], transform: (SuiteEntry) throws -> SuiteEntry? = { $0 }) throws -> Selection {
        if let path = self.suite { try OutputPath.checkNotEmpty(path, option: "--suite") }
        let source: String
        var suite: Suite
        do {
            if let path = self.suite {
                (source, suite) = (path, try Suite.read(path))
            } else if FileManager.default.fileExists(atPath: Suite.defaultPath) {
                (source, suite) = (Suite.defaultPath, try Suite.read(Suite.defaultPath))
            } else {
                (source, suite) = ("built-in default (no \(Suite.defaultPath) in \(FileManager.default.currentDirectoryPath))", Suite.makeDefault())
            }
        } catch {
            // Unreadable or malformed, the file is at fault, not the command line.
            throw failure(error.description, status: ExitStatus.error)
        }
        let count = suite.entries.count
        do { suite = try suite.selecting(names) } catch {
            throw failure(error.description, status: ExitStatus.usage)
        }
        let seedList = try seedCount().map { (0..<UInt64($0)).map { $0 } }
        var prepared: [PreparedEntry] = []
        for var entry in suite.entries {
            if let seedList { entry.seeds = seedList }
            guard let changed = try transform(entry) else { continue }
            do { prepared.append(try PreparedEntry(changed)) } catch {
                // An entry as the file has it is the file's fault; one the command line changed, the command line's.
                throw failure(error.description, status: changed == entry ? ExitStatus.error : ExitStatus.usage)
            }
        }
        return Selection(source: source, name: suite.name, entries: prepared, suiteCount: count)
    }

    /// The seeds in words, for a run's header: `0..<5 (--seeds)`, the suite's when they are the
    /// same for every entry, else `as each entry gives them`.
    func seedsDescription(_ entries: [PreparedEntry]) -> String {
        let lists = Set(entries.map(\.entry.seeds))
        guard lists.count == 1, let seeds = lists.first else { return "as each entry gives them" }
        let text = seeds == (0..<UInt64(seeds.count)).map({ $0 }) ? "0..<\(seeds.count)" : seeds.map(String.init).joined(separator: ", ")
        return text + (self.seeds == nil ? " (the suite's)" : " (--seeds)")
    }

    /// `--seeds` as a count.
    func seedCount() throws -> Int? {
        try seeds.map(parseSeedCount)
    }
}

/// Reads `--seeds N`, a number of seeds (0..<N).
///
/// - Throws: A usage error naming the value and the accepted range, 1...1000.
func parseSeedCount(_ text: String) throws -> Int {
    guard let count = Int(text), (1...1000).contains(count) else {
        throw failure("invalid --seeds '\(text)'; expected an integer in 1...1000", status: ExitStatus.usage)
    }
    return count
}

/// `--jobs`, for the commands that train.
struct JobOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Runs at a time (default: every core); results do not depend on it.", valueName: "n"))
    var jobs: String?

    /// `--jobs`, or the number of active cores.
    func count() throws -> Int {
        guard let jobs else { return max(ProcessInfo.processInfo.activeProcessorCount, 1) }
        guard let count = Int(jobs), (1...256).contains(count) else {
            throw failure("invalid --jobs '\(jobs)'; expected an integer in 1...256", status: ExitStatus.usage)
        }
        return count
    }
}
