import Foundation
import NNBenchEngine
import NNBenchIO

/// What `nnbench run --output DIR` keeps of an observed entry for `nnbench report DIR`, beside the
/// baseline-format `ENTRY.json.gz` and never inside it: `DIR/ENTRY.observation.json.gz`, gzip
/// (zlib, no time stamp) around one line of JSON with sorted keys,
///
///     {"entry":"xor","position":0,"records":[{...}, ...],"schema":1}
///
/// `records` is every seed's whole ``TrainingRecord`` as the observed run gave it (the per-epoch
/// metrics, parameter statistics with their histograms, activation statistics, weight snapshots)
/// and `position` the entry's place in the run, so that the report lists entries in the run's order.
public enum ObservationFile {
    /// The version of the layout this writes and reads.
    public static let currentSchema = 1
    /// The largest compressed file read.
    public static let fileLimit = 64 << 20
    /// The largest decompressed content accepted.
    public static let inflatedLimit = 512 << 20

    /// The file's content.
    public struct Content: Sendable, Codable {
        /// The entry's name.
        public var entry: String
        /// The entry's index in the run that wrote it, from 0.
        public var position: Int
        /// One record per seed, in the entry's seed order.
        public var records: [TrainingRecord]
        /// ``ObservationFile/currentSchema`` when written.
        public var schema: Int
    }

    /// Why an observation file cannot be used: one line naming the file and what is wrong.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        /// The file.
        public let path: String
        /// What is wrong.
        public let problem: String

        /// `observation 'runs/xor.observation.json.gz': <problem>`.
        public var description: String { "observation '\(path)': \(problem)" }
    }

    /// The suffix of every observation file's name.
    public static let suffix = ".observation.json.gz"

    /// The file name of an entry's observation: `ENTRY.observation.json.gz`.
    public static func fileName(of entry: String) -> String { entry + suffix }

    /// The complete file of an entry's runs, compressed.
    ///
    /// - Parameters:
    ///   - result: The entry's runs.
    ///   - position: The entry's index in the run.
    public static func encode(_ result: EntryResult, position: Int) -> [UInt8] {
        let content = Content(entry: result.entry.name, position: position, records: result.runs, schema: currentSchema)
        // Every value is encodable: non-finite numbers are written as strings.
        return Gzip.compress(Array(try! RunRecordWriter.makeEncoder().encode(content)) + [UInt8(ascii: "\n")])
    }

    /// Writes `directory/ENTRY.observation.json.gz`, atomically.
    ///
    /// - Throws: ``FileError`` when the file cannot be written.
    public static func write(_ result: EntryResult, position: Int, to directory: String) throws(FileError) {
        try AtomicFile.write(encode(result, position: position), to: "\(directory)/\(fileName(of: result.entry.name))")
    }

    /// Reads an observation file.
    ///
    /// - Parameter path: The file.
    /// - Returns: Its content.
    /// - Throws: ``ReadError`` naming the file: unreadable, too large, not gzip, truncated or
    ///   corrupt, of another schema, malformed, or without a record.
    public static func read(_ path: String) throws(ReadError) -> Content {
        func fail(_ problem: String) -> ReadError { ReadError(path: path, problem: problem) }
        let bytes: [UInt8]
        do { bytes = try Gzip.decompress(try AtomicFile.read(path, limit: fileLimit), limit: inflatedLimit) } catch let error as GzipError {
            throw fail("\(error.description) (a truncated or damaged file)")
        } catch {
            throw fail("\(error)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let content: Content
        do { content = try decoder.decodeRefusingRepeatedFields(Content.self, from: bytes) } catch let error as DecodingError {
            throw fail(error.line(in: error.fieldPath.isEmpty ? "the decompressed content" : ""))
        } catch {
            throw fail("the content cannot be read: \(error)")
        }
        guard content.schema == currentSchema else {
            throw fail("schema \(content.schema), expected \(currentSchema); write it again with 'nnbench run … --output DIR'")
        }
        guard content.position >= 0 else { throw fail("position \(content.position), expected a non-negative integer") }
        guard !content.records.isEmpty else { throw fail("no run record in it") }
        if let problem = content.records.lazy.compactMap(Self.problem).first { throw fail(problem) }
        return content
    }

    /// What makes a record unusable for a report, if anything: no epoch (a record has at least
    /// epoch 0), or a snapshot whose values do not fill its shape.
    private static func problem(in record: TrainingRecord) -> String? {
        guard !record.epochs.isEmpty else { return "seed \(record.seed): no epoch, expected at least epoch 0" }
        for snapshot in record.snapshots ?? [] {
            for tensor in snapshot.tensors {
                var count = 1, overflow = false
                for dimension in tensor.shape where !overflow {
                    (count, overflow) = count.multipliedReportingOverflow(by: dimension)
                    overflow = overflow || dimension < 0
                }
                guard !overflow, count == tensor.values.count else {
                    return "seed \(record.seed), epoch \(snapshot.epoch): tensor '\(tensor.name)' of shape \(tensor.shape) holds \(tensor.values.count) values"
                }
            }
        }
        return nil
    }
}
