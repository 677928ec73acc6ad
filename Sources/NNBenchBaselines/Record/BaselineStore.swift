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

    /// A run's result compared with its baseline (``BaselineComparison``): exact or statistical,
    /// `new` without a baseline, an error for a baseline that cannot be read.
    ///
    /// - Parameter record: The run's result, in the baseline format.
    public func compare(_ record: BaselineRecord) -> EntryComparison {
        switch lookup(record.entry.name) {
        case .missing: BaselineComparison.compare(record, with: nil)
        case .found(let baseline): BaselineComparison.compare(record, with: baseline)
        case .unreadable(let error): .unreadable(record.entry.name, error: error)
        }
    }

    /// Every problem that stops the store from serving `entries`: a baseline missing, unreadable,
    /// recorded for another entry or other data, and a file that belongs to no entry.
    ///
    /// - Parameter entries: The suite's prepared entries.
    /// - Returns: One line per problem; none when every entry has a sound baseline.
    public func problems(serving entries: [PreparedEntry]) -> [String] {
        var problems: [String] = []
        for prepared in entries {
            let name = prepared.entry.name
            switch lookup(name) {
            case .missing(let path):
                problems.append("\(name): no baseline '\(path)'; record it with 'nnbench baseline record \(name)'")
            case .unreadable(let error):
                problems.append(error.description)
            case .found(let record) where !record.entry.trainsLike(prepared.entry):
                problems.append("\(name): the baseline was recorded for another entry: \(BaselineComparison.entryDifference(prepared.entry, record.entry))")
            case .found(let record) where record.datasetSHA256 != prepared.datasetFingerprint:
                problems.append("\(name): the baseline's data SHA-256 is not that of the data generated now")
            case .found:
                break
            }
        }
        let names = Set(entries.map { BaselineFile.fileName(of: $0.entry.name) })
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files.sorted() where file.hasSuffix(".json.gz") && !names.contains(file) {
            problems.append("'\(directory)/\(file)' belongs to no entry of the suite")
        }
        return problems
    }
}
