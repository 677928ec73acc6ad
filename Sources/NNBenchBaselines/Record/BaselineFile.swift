import Foundation
import NNBenchEngine
import NNBenchIO

/// The file format of a baseline: gzip (zlib, no time stamp) around one line of JSON,
///
///     {"record":{...},"schema":1,"sha256":"<SHA-256 of the record's JSON bytes>"}
///
/// with keys sorted at every level. The digest covers the record's canonical JSON (as
/// ``json(of:)`` writes it), so a record edited by hand (and re-compressed) is told from one nnbench
/// wrote: reading decodes the record, encodes it again and compares the digests, which holds
/// because encoding is deterministic and every double reads back exactly. The schema number says
/// which layout the record has.
public enum BaselineFile {
    /// The version of the record layout this writes and reads.
    public static let currentSchema = 1
    /// The largest compressed file read.
    public static let fileLimit = 16 << 20
    /// The largest decompressed record accepted: a corrupt or hostile file cannot inflate past it.
    public static let inflatedLimit = 64 << 20

    /// The JSON object of a file: the record, its layout's schema, and its digest.
    struct Envelope: Codable {
        var record: BaselineRecord
        var schema: Int
        var sha256: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case record, schema, sha256
        }

        init(record: BaselineRecord) {
            self.record = record
            self.schema = BaselineFile.currentSchema
            self.sha256 = HexDigest.sha256(BaselineFile.json(of: record))
        }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
            // The schema first: a record of another layout would fail with a less helpful message.
            schema = try fields.schema(.schema, current: BaselineFile.currentSchema, remedy: "re-record it with 'nnbench baseline record'")
            sha256 = try fields.string(.sha256)
            record = try fields.decode(BaselineRecord.self, forKey: .record)
        }
    }

    /// An encoder of baseline JSON: keys sorted, non-finite numbers as `"nan"`, `"inf"`, `"-inf"`.
    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

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
        // Every value is encodable: non-finite numbers are written as strings.
        Array(try! makeEncoder().encode(record))
    }

    /// The complete file: the envelope around the record, compressed.
    ///
    /// - Parameter record: The record.
    /// - Returns: The gzip bytes.
    public static func encode(_ record: BaselineRecord) -> [UInt8] {
        Gzip.compress(Array(try! makeEncoder().encode(Envelope(record: record))) + [UInt8(ascii: "\n")])
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

    /// Decodes decompressed bytes strictly and checks the record against its digest.
    static func decode(_ bytes: [UInt8], path: String) throws(BaselineError) -> BaselineRecord {
        func fail(_ problem: String) -> BaselineError { BaselineError(path: path, problem: problem) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let envelope: Envelope
        do {
            envelope = try decoder.decodeRefusingRepeatedFields(Envelope.self, from: bytes)
        } catch let error as DecodingError {
            throw fail(error.line(in: error.fieldPath.isEmpty ? "the decompressed content" : ""))
        } catch {
            // The record's readers throw nothing but decoding errors.
            throw fail("the record cannot be read: \(error)")
        }
        guard HexDigest.sha256(json(of: envelope.record)) == envelope.sha256 else {
            throw fail("the record does not match its SHA-256; it was edited by hand or damaged. Re-record it with 'nnbench baseline record'")
        }
        try check(envelope.record, fail: fail)
        return envelope.record
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
}
