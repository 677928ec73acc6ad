import Foundation
import NNBenchIO

extension Suite: Codable {
    /// The version of the file format this reads and writes.
    public static let currentSchema = 1
    /// The largest suite file read, a guard against reading a wrong file.
    static let readLimit = 4 << 20

    /// Reads a suite file.
    ///
    /// - Parameter path: The file.
    /// - Returns: The suite.
    /// - Throws: ``SuiteError`` naming the file and what is wrong: unreadable, not JSON, a wrong
    ///   schema, a missing, unknown or invalid field, or two entries of one name.
    public static func read(_ path: String) throws(SuiteError) -> Suite {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: readLimit) } catch {
            throw SuiteError(error.description, isFileError: true)
        }
        return try parse(bytes, source: "suite '\(path)'")
    }

    /// Reads a suite from JSON bytes.
    ///
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - source: The suite's name in messages, e.g. `suite 'my.json'`.
    /// - Returns: The suite.
    /// - Throws: ``SuiteError`` naming the field and what was expected:
    ///   `suite 'my.json', entries[3] ('xor').batch_size: expected an integer in 1...1000000, got 0`.
    public static func parse(_ bytes: [UInt8], source: String) throws(SuiteError) -> Suite {
        do {
            return try JSONDecoder().decodeRefusingRepeatedFields(Suite.self, from: bytes)
        } catch let error as DecodingError {
            throw SuiteError(error.line(in: source))
        } catch {
            // The suite's readers throw nothing but decoding errors.
            throw SuiteError("\(source): \(error)")
        }
    }

    /// The suite as JSON: indented, keys sorted, ending in a newline, so that the same suite gives
    /// the same bytes and a change to one field is a change to one line.
    ///
    /// - Returns: The file's bytes.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // `encode` fails only for non-finite numbers, which a suite cannot hold (targets are read finite).
        return Array(try! encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, entries
    }

    /// Reads a suite strictly: the current schema, a name, and at least one entry, entry names unique.
    ///
    /// - Throws: `DecodingError` naming the field (see ``SuiteEntry/init(from:)``).
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        try fields.schema(.schema, current: Self.currentSchema)
        let name = try fields.string(.name)
        let entries = try fields.decode([SuiteEntry].self, forKey: .entries, expected: "an array of entries")
        for (index, entry) in entries.enumerated() where entries[..<index].contains(where: { $0.name == entry.name }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: fields.codingPath + [CodingKeys.entries, JSONPathKey(index: index)],
                debugDescription: "a second entry named '\(entry.name)'; entry names must be unique"))
        }
        guard !entries.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .entries, in: fields, debugDescription: "the suite has no entries")
        }
        self.init(name: name, entries: entries)
    }

    /// Writes the suite with its schema number.
    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(Self.currentSchema, forKey: .schema)
        try fields.encode(name, forKey: .name)
        try fields.encode(entries, forKey: .entries)
    }
}
