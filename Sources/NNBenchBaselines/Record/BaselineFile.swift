import Foundation
import NNBenchEngine
import NNBenchIO

/// The file format of a baseline: gzip (zlib, no time stamp) around one line of JSON,
///
///     {"record":{...},"schema":1,"sha256":"<SHA-256 of the record's JSON bytes>"}
///
/// with the record's keys sorted. The digest covers the record's exact bytes, so a record edited
/// by hand (and re-compressed) is told from one nnbench wrote; the schema number says which
/// layout the record has.
public enum BaselineFile {
    /// The version of the record layout this writes and reads.
    public static let currentSchema = 1
    /// The largest compressed file read.
    public static let fileLimit = 16 << 20
    /// The largest decompressed record accepted: a corrupt or hostile file cannot inflate past it.
    public static let inflatedLimit = 64 << 20

    private static let prefix = Array(#"{"record":"#.utf8)

    /// The file name of an entry's baseline: `ENTRY.json.gz`.
    ///
    /// - Parameter entry: The entry's name.
    /// - Returns: The file name.
    public static func fileName(of entry: String) -> String { "\(entry).json.gz" }

    /// The record's JSON, keys sorted; the same record gives the same bytes.
    ///
    /// - Parameter record: The record.
    /// - Returns: The JSON bytes.
    static func json(of record: BaselineRecord) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every value is encodable: non-finite numbers are written as strings.
        return Array(try! encoder.encode(record))
    }

    /// The complete file: the envelope around the record, compressed.
    ///
    /// - Parameter record: The record.
    /// - Returns: The gzip bytes.
    public static func encode(_ record: BaselineRecord) -> [UInt8] {
        let body = json(of: record)
        let suffix = #","schema":\#(currentSchema),"sha256":"\#(HexDigest.sha256(body))"}"# + "\n"
        return Gzip.compress(prefix + body + Array(suffix.utf8))
    }

    /// Writes a record as `directory/ENTRY.json.gz`, atomically.
    ///
    /// - Parameters:
    ///   - record: The record.
    ///   - directory: The baselines directory; it must exist.
    /// - Returns: The path written.
    /// - Throws: ``FileError`` when the file cannot be written.
    @discardableResult
    public static func write(_ record: BaselineRecord, to directory: String) throws(FileError) -> String {
        let path = "\(directory)/\(fileName(of: record.entry.name))"
        try AtomicFile.write(encode(record), to: path)
        return path
    }

    /// Reads and checks a baseline file.
    ///
    /// - Parameter path: The file.
    /// - Returns: The record.
    /// - Throws: ``BaselineError`` naming the file: unreadable, too large, not gzip, truncated or
    ///   corrupt (CRC-32 or length), inflating past ``inflatedLimit``, not in nnbench's layout,
    ///   of another schema, edited by hand (the digest does not match), or holding a record that
    ///   is incomplete or inconsistent.
    public static func read(_ path: String) throws(BaselineError) -> BaselineRecord {
        let compressed: [UInt8]
        do { compressed = try AtomicFile.read(path, limit: fileLimit) } catch {
            throw BaselineError(path: path, problem: error.description)
        }
        let bytes: [UInt8]
        do { bytes = try Gzip.decompress(compressed, limit: inflatedLimit) } catch {
            throw BaselineError(path: path, problem: "\(error.description) (a truncated or damaged file)")
        }
        return try decode(bytes, path: path)
    }

    /// Checks the envelope of decompressed bytes and decodes the record.
    static func decode(_ bytes: [UInt8], path: String) throws(BaselineError) -> BaselineRecord {
        func fail(_ problem: String) -> BaselineError { BaselineError(path: path, problem: problem) }
        guard let envelope = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw fail("the decompressed content is not a JSON object")
        }
        guard let schema = envelope["schema"] as? Int else { throw fail("no schema number") }
        guard schema == currentSchema else {
            throw fail("schema \(schema) is not the schema \(currentSchema) this nnbench reads; re-record it with 'nnbench baseline record'")
        }
        guard let digest = envelope["sha256"] as? String, envelope["record"] != nil, envelope.count == 3 else {
            throw fail("not in the layout nnbench writes (a record, a schema and a sha256)")
        }
        // The record's bytes are those between the prefix and the suffix nnbench writes.
        let suffix = Array(#","schema":\#(currentSchema),"sha256":"\#(digest)"}"#.utf8) + [0x0A]
        guard bytes.starts(with: prefix), bytes.count >= prefix.count + suffix.count, Array(bytes.suffix(suffix.count)) == suffix else {
            throw fail("not in the layout nnbench writes; was it edited by hand? Re-record it with 'nnbench baseline record'")
        }
        let body = Array(bytes[prefix.count..<(bytes.count - suffix.count)])
        guard HexDigest.sha256(body) == digest else {
            throw fail("the record does not match its SHA-256; it was edited by hand or damaged. Re-record it with 'nnbench baseline record'")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let record: BaselineRecord
        do { record = try decoder.decode(BaselineRecord.self, from: Data(body)) } catch let error as DecodingError {
            throw fail("the record is incomplete: \(describe(error))")
        } catch {
            throw fail("the record cannot be read: \(error)")
        }
        try check(record, fail: fail)
        return record
    }

    /// The consistency a record nnbench wrote always has.
    private static func check(_ record: BaselineRecord, fail: (String) -> BaselineError) throws(BaselineError) {
        guard !record.seeds.isEmpty, record.seeds.map(\.seed) == record.entry.seeds else {
            throw fail("its seeds \(record.seeds.map(\.seed)) are not its entry's seeds \(record.entry.seeds)")
        }
        for seed in record.seeds {
            guard !seed.curve.isEmpty, seed.curve.enumerated().allSatisfy({ $0.offset == $0.element.epoch }),
                  seed.final == seed.curve.last, seed.curve.count <= record.entry.epochs + 1 else {
                throw fail("seed \(seed.seed) has an inconsistent curve (epochs out of order, or a final point that is not the last)")
            }
        }
    }

    /// A decoding error as `missing field 'seeds[0].curve'`.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "field '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
