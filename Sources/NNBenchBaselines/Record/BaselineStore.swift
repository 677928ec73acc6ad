import Foundation
import NNBenchHarness

/// A directory of baselines, one `ENTRY.json.gz` per suite entry: where a run's results are
/// looked up and compared, and what `baseline verify` checks.
public struct BaselineStore: Sendable {
    /// The directory.
    public let directory: String

    /// A baselines directory.
    ///
    /// - Parameter directory: Its path.
    public init(directory: String) {
        self.directory = directory
    }

    /// What the store holds for an entry.
    public enum Lookup: Sendable {
        /// No file for the entry.
        case missing(path: String)
        /// The file's record, read and checked.
        case found(BaselineRecord)
        /// A file that cannot be read or trusted.
        case unreadable(BaselineError)
    }

    /// The path of an entry's baseline.
    ///
    /// - Parameter entry: The entry's name.
    public func path(of entry: String) -> String {
        "\(directory)/\(BaselineFile.fileName(of: entry))"
    }

    /// Reads an entry's baseline.
    ///
    /// - Parameter entry: The entry's name.
    /// - Returns: Its record, or why there is none to compare with.
    public func lookup(_ entry: String) -> Lookup {
        let path = path(of: entry)
        guard FileManager.default.fileExists(atPath: path) else { return .missing(path: path) }
        do throws(BaselineError) { return .found(try BaselineFile.read(path)) } catch { return .unreadable(error) }
    }

    /// An entry's baseline record, or `nil` when it has none or it cannot be read (``lookup(_:)`` says which).
    public func record(of entry: String) -> BaselineRecord? {
        if case .found(let record) = lookup(entry) { record } else { nil }
    }

    /// A run's result compared with its baseline (``BaselineComparison``): exact or statistical,
    /// `new` without a baseline (naming the file to record), an error for a baseline that cannot
    /// be read.
    ///
    /// - Parameter record: The run's result, in the baseline format.
    public func compare(_ record: BaselineRecord) -> EntryComparison {
        switch lookup(record.entry.name) {
        case .missing(let path):
            let comparison = BaselineComparison.compare(record, with: nil)
            // The command's default folder is Baselines; any other must be named, or the record
            // the hint asks for lands in the checkout's folder instead of this one.
            let folder = directory == "Baselines" ? "" : " --baselines '\(directory)'"
            let missing = "no baseline '\(path)' to compare with; record one with 'nnbench baseline record \(record.entry.name)\(folder)'"
            return EntryComparison(
                entry: comparison.entry, mode: comparison.mode, metrics: comparison.metrics, targetStatus: comparison.targetStatus,
                verdict: comparison.verdict, details: [missing] + comparison.details)
        case .found(let baseline):
            return BaselineComparison.compare(record, with: baseline)
        case .unreadable(let error):
            return .unreadable(record.entry.name, error: error)
        }
    }

    /// A reason the store cannot serve an entry.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// One line naming the entry or file and what is wrong.
        public let description: String
        /// Whether a file is missing or cannot be read or trusted (status 2), rather than read
        /// and found not to match the suite (status 1).
        public let isUnreadable: Bool
    }

    /// Every problem that stops the store from serving `entries`: a baseline missing, unreadable,
    /// recorded for another entry or other data, and a file that belongs to no entry.
    ///
    /// - Parameter entries: The suite's prepared entries.
    /// - Returns: One problem per line; none when every entry has a sound baseline.
    public func problems(serving entries: [PreparedEntry]) -> [Problem] {
        var problems: [Problem] = []
        for prepared in entries {
            let name = prepared.entry.name
            switch lookup(name) {
            case .missing(let path):
                problems.append(Problem(description: "\(name): no baseline '\(path)'; record it with 'nnbench baseline record \(name)'", isUnreadable: true))
            case .unreadable(let error):
                problems.append(Problem(description: error.description, isUnreadable: true))
            case .found(let record) where !record.entry.trainsLike(prepared.entry):
                problems.append(Problem(
                    description: "\(name): the baseline was recorded for another entry: \(BaselineComparison.entryDifference(prepared.entry, record.entry))",
                    isUnreadable: false))
            case .found(let record) where record.datasetSHA256 != prepared.datasetFingerprint:
                problems.append(Problem(description: "\(name): the baseline's data SHA-256 is not that of the data generated now", isUnreadable: false))
            case .found:
                break
            }
        }
        let names = Set(entries.map { BaselineFile.fileName(of: $0.entry.name) })
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files.sorted() where file.hasSuffix(".json.gz") && !names.contains(file) {
            problems.append(Problem(description: "'\(directory)/\(file)' belongs to no entry of the suite", isUnreadable: false))
        }
        return problems
    }
}
