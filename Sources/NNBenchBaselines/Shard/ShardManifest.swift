import Foundation
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// What a shard's `--output` folder says about the shard: `DIR/shard.json`, indented JSON with
/// sorted keys (docs/shards.md),
///
///     {"engine": {...}, "failed": [], "pairs": [{"entry": "xor", "seed": 3}, ...],
///      "partition_sha256": "...", "platform": {...}, "schema": 1, "seeds": "0..<5",
///      "shard": {"count": 3, "index": 2}, "source": "Datasets/suites/default.json",
///      "suite": {...}, "suite_sha256": "..."}
///
/// `suite` is the run's whole selection as a suite file holds it (every entry with every seed,
/// after `--seeds`, `--arch` and `--optimizer`), `suite_sha256` the SHA-256 of its bytes as
/// ``Suite/encoded()`` writes them, `pairs` the (entry, seed) pairs this shard ran, `failed` the
/// entries it could not train and why, and `partition_sha256` ``ShardPlan/sha256``.
public struct ShardManifest: Sendable, Codable {
    /// The layout this writes and reads.
    public static let currentSchema = 1
    /// The manifest's file name in a shard's folder.
    public static let fileName = "shard.json"
    /// The largest manifest read.
    static let readLimit = 16 << 20

    /// One (entry, seed) pair the shard ran.
    public struct Pair: Sendable, Hashable, Codable {
        /// The entry's name.
        public var entry: String
        /// The seed.
        public var seed: UInt64

        /// A pair.
        public init(entry: String, seed: UInt64) {
            self.entry = entry
            self.seed = seed
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case entry, seed
        }

        /// Reads a pair strictly: both fields, nothing else, a seed a suite can hold.
        public init(from decoder: any Decoder) throws {
            let fields = try decoder.strictContainer(keyedBy: CodingKeys.self, expected: "an object {\"entry\", \"seed\"}")
            self.init(entry: try fields.string(.entry), seed: UInt64(try fields.integer(.seed, in: 0...SuiteEntry.largestSeed)))
        }
    }

    /// An entry the shard could not train.
    public struct Failure: Sendable, Hashable, Codable {
        /// The entry's name.
        public var entry: String
        /// Why (its first seed's error).
        public var reason: String

        /// A failure.
        public init(entry: String, reason: String) {
            self.entry = entry
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case entry, reason
        }

        /// Reads a failure strictly: both fields, nothing else.
        public init(from decoder: any Decoder) throws {
            let fields = try decoder.strictContainer(keyedBy: CodingKeys.self, expected: "an object {\"entry\", \"reason\"}")
            self.init(entry: try fields.string(.entry), reason: try fields.string(.reason))
        }
    }

    /// ``currentSchema`` when written.
    public var schema: Int
    /// Which shard.
    public var shard: Shard
    /// The run's whole selection.
    public var suite: Suite
    /// The SHA-256 of ``suite``'s encoded bytes.
    public var suiteSHA256: String
    /// Where the suite came from, as the run's header names it.
    public var source: String
    /// The seeds, as the run's header names them.
    public var seeds: String
    /// The engine that ran the shard.
    public var engine: EngineIdentity
    /// The platform it ran on.
    public var platform: PlatformDescription
    /// ``ShardPlan/sha256`` of the plan the shard followed.
    public var partitionSHA256: String
    /// The pairs the shard ran, in suite and seed order.
    public var pairs: [Pair]
    /// The entries the shard could not train.
    public var failed: [Failure]

    /// The manifest of a shard of this process's engine on this platform.
    ///
    /// - Parameters:
    ///   - shard: Which shard.
    ///   - suite: The run's whole selection, every entry with every seed.
    ///   - source: Where the suite came from.
    ///   - seeds: The seeds as the header names them.
    ///   - plan: The plan the shard followed.
    ///   - failed: The entries it could not train.
    public init(shard: Shard, suite: Suite, source: String, seeds: String, plan: ShardPlan, failed: [Failure]) {
        schema = Self.currentSchema
        self.shard = shard
        self.suite = suite
        suiteSHA256 = HexDigest.sha256(suite.encoded())
        self.source = source
        self.seeds = seeds
        engine = .current
        platform = .current
        partitionSHA256 = plan.sha256
        pairs = zip(plan.names, plan.pairs).flatMap { name, pairs in pairs.filter { $0.shard == shard.index }.map { Pair(entry: name, seed: $0.seed) } }
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, shard, suite, source, seeds, engine, platform, pairs, failed
        case suiteSHA256 = "suite_sha256"
        case partitionSHA256 = "partition_sha256"
    }

    /// Reads a manifest strictly, as every nnbench file is read: an unknown field, a value of the
    /// wrong kind or out of range is an error naming the field and what was expected.
    ///
    /// - Throws: `DecodingError` locating the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self, expected: "a shard manifest object")
        schema = try fields.schema(.schema, current: Self.currentSchema, remedy: "run the shard again with this nnbench")
        shard = try fields.decode(Shard.self, forKey: .shard, expected: "an object {\"count\", \"index\"}")
        suite = try fields.decode(Suite.self, forKey: .suite, expected: "a suite object")
        suiteSHA256 = try fields.string(.suiteSHA256)
        source = try fields.string(.source)
        seeds = try fields.string(.seeds)
        engine = try fields.decode(EngineIdentity.self, forKey: .engine, expected: "an object {\"fingerprint\", \"version\"}")
        platform = try fields.decode(PlatformDescription.self, forKey: .platform, expected: "a platform object")
        partitionSHA256 = try fields.string(.partitionSHA256)
        pairs = try fields.decode([Pair].self, forKey: .pairs, expected: "an array of {\"entry\", \"seed\"} objects")
        failed = try fields.decode([Failure].self, forKey: .failed, expected: "an array of {\"entry\", \"reason\"} objects")
    }

    /// The file's bytes: indented, keys sorted, ending in a newline.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and a suite, whose targets are finite: encoding cannot fail.
        return Array(try! encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    /// Writes `directory/shard.json`, atomically.
    ///
    /// - Throws: ``FileError`` when it cannot be written.
    public func write(to directory: String) throws(FileError) {
        try AtomicFile.write(encoded(), to: "\(directory)/\(Self.fileName)")
    }

    /// Removes `directory/shard.json` if there is one: an unsplit run or a merge writing into a
    /// folder where a shard once wrote, which would otherwise pass for that shard.
    ///
    /// - Throws: ``FileError`` when it exists and cannot be removed.
    public static func removeStale(from directory: String) throws(FileError) {
        let path = "\(directory)/\(fileName)"
        guard unlink(path) == 0 || errno == ENOENT else { throw .system(path: path, step: "remove the stale shard manifest", code: errno) }
    }

    /// Reads and checks `directory/shard.json`.
    ///
    /// - Parameter directory: A shard's output folder.
    /// - Returns: The manifest.
    /// - Throws: ``ShardError`` naming the file: missing or unreadable, not a manifest of this
    ///   schema, a suite that does not match its digest, or a pair of no entry of the suite.
    public static func read(from directory: String) throws(ShardError) -> ShardManifest {
        let path = "\(directory)/\(fileName)"
        func fail(_ problem: String) -> ShardError { ShardError("shard manifest '\(path)': \(problem)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ShardError("the shard folder '\(directory)' does not exist or is not a folder; give the --output folders of 'nnbench run … --shard i/n --output DIR'")
        }
        // Only a manifest that is not there is "no manifest"; one that cannot be reached (a
        // folder without read permission) is reported by the read below, with its cause.
        guard access(path, F_OK) == 0 || errno != ENOENT else {
            throw ShardError("'\(directory)' holds no shard manifest '\(fileName)'; give the --output folders of 'nnbench run … --shard i/n --output DIR'")
        }
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: readLimit) } catch { throw fail(error.description) }
        let manifest: ShardManifest
        do { manifest = try JSONDecoder().decodeRefusingRepeatedFields(ShardManifest.self, from: bytes) } catch let error as DecodingError {
            throw fail(error.line(in: error.fieldPath.isEmpty ? "the content" : ""))
        } catch {
            throw fail("\(error)")
        }
        guard HexDigest.sha256(manifest.suite.encoded()) == manifest.suiteSHA256 else {
            throw fail("the suite does not match its suite_sha256; it was edited by hand or damaged")
        }
        for pair in manifest.pairs where !(manifest.suite.entries.first { $0.name == pair.entry }?.seeds.contains(pair.seed) ?? false) {
            throw fail("pair (\(pair.entry), seed \(pair.seed)) is not an entry and seed of its suite")
        }
        for failure in manifest.failed where !manifest.suite.entries.contains(where: { $0.name == failure.entry }) {
            throw fail("failed entry '\(failure.entry)' is not an entry of its suite")
        }
        return manifest
    }
}

/// Why shards cannot be run or merged: one line.
public struct ShardError: Error, Sendable, CustomStringConvertible {
    /// The line.
    public let description: String

    /// An error.
    ///
    /// - Parameter description: One line naming the file or shard and what is wrong.
    public init(_ description: String) {
        self.description = description
    }
}
