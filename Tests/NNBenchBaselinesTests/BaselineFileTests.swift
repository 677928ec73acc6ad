import Foundation
import NNBenchBaselines
import NNBenchIO
import Testing
import NNBenchDatasets
import NNBenchHarness

/// Baseline files: deterministic bytes, and a clear error for every kind of damage.
@Suite("baseline files")
struct BaselineFileTests {
    static let entry = SuiteEntry(
        name: "xor", task: "xor", architecture: "dense(4) tanh dense(1)", optimizer: "adam(lr: 0.05)", batchSize: 4, epochs: 3,
        seeds: [0, 1], target: Target(metric: .accuracy, split: .train, value: 1))

    static func record() throws -> BaselineRecord {
        BaselineRecord(SuiteRunner.run([try PreparedEntry(entry)], jobs: 2)[0])
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-baselines-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theSameResultsGiveTheSameBytesAndReadBackExactly() throws {
        let first = try Self.record(), second = try Self.record()
        #expect(BaselineFile.encode(first) == BaselineFile.encode(second))
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try BaselineFile.write(first, to: folder)
        #expect(try BaselineFile.read(path) == first)
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Decoding then encoding gives the same bytes, so re-recording the same results rewrites no
    /// committed file, and the digest of the re-encoded record is the digest of the file's.
    @Test func theCommittedBaselinesEncodeBackToTheirOwnBytes() throws {
        let directory = Self.packageRoot.appendingPathComponent("Baselines").path
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json.gz") }.sorted()
        #expect(names.count == Suite.makeDefault().entries.count)
        for name in names {
            let path = "\(directory)/\(name)"
            #expect(BaselineFile.encode(try BaselineFile.read(path)) == (try AtomicFile.read(path, limit: BaselineFile.fileLimit)), "\(name)")
        }
    }

    /// Damage done to a good file, and the words the error must contain.
    static let damages: [(String, String)] = [
        ("truncated", "gzip data ends early"),
        ("flipped", "gzip data is corrupt"),
        ("over-large", "inflates to more than the limit"),
        ("hand-edited", "edited by hand"),
        ("other schema", "schema: this nnbench reads schema 1, the file has 9; re-record it with 'nnbench baseline record'"),
        ("not an object", "the decompressed content: expected an object, got [1, 2]"),
        ("not json", "the decompressed content: not valid JSON"),
        ("unknown envelope field", "': note: unknown field; expected one of: record, schema, sha256"),
        ("unknown record field", "': record.zzz: unknown field; expected one of: dataset_sha256, engine, entry, platform, seeds, split_sizes"),
        ("unknown curve field", "': record.seeds[0].curve[0].momentum: unknown field; expected one of: epoch, lr, test, train, valid"),
        ("unknown entry field", "': record.entry ('xor').epoch: unknown field (did you mean 'epochs'?); expected one of:"),
        ("non-integer", "': record.seeds[0].curve[1].epoch: expected an integer in 0...1000000, got 1.5"),
        ("wrong type", "': record.engine.version: expected a string, got 0.1"),
        ("invalid entry", "': record.entry ('xor').batch_size: expected an integer in 1...1000000, got 0"),
    ]

    @Test(arguments: damages)
    func damagedFilesAreReportedNamingTheFile(damage: String, words: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = BaselineFile.encode(try Self.record())
        let text = String(decoding: try Gzip.decompress(good, limit: 1 << 26), as: UTF8.self)
        let bytes: [UInt8] = switch damage {
        case "truncated": Array(good.prefix(good.count / 2))
        case "flipped": good.enumerated().map { $0.offset == good.count / 2 ? $0.element ^ 0x40 : $0.element }
        case "over-large": Gzip.compress([UInt8](repeating: 0x20, count: BaselineFile.inflatedLimit + 1))
        case "hand-edited": Gzip.compress(Array(text.replacingOccurrences(of: "\"batch_size\":4", with: "\"batch_size\":5").utf8))
        case "other schema": Gzip.compress(Array(text.replacingOccurrences(of: "\"schema\":1", with: "\"schema\":9").utf8))
        case "not an object": Gzip.compress(Array("[1, 2]".utf8))
        case "not json": Gzip.compress(Array(text.dropLast(3).utf8))
        case "unknown envelope field": Gzip.compress(Array(text.replacingOccurrences(of: "\"schema\":1", with: "\"note\":\"x\",\"schema\":1").utf8))
        case "unknown record field": Gzip.compress(Array(text.replacingOccurrences(of: "\"dataset_sha256\"", with: "\"zzz\":1,\"dataset_sha256\"").utf8))
        case "unknown curve field": Gzip.compress(Array(Self.replacingFirst("{\"epoch\":0,", with: "{\"epoch\":0,\"momentum\":1,", in: text).utf8))
        case "unknown entry field": Gzip.compress(Array(text.replacingOccurrences(of: "\"epochs\":3,", with: "\"epoch\":3,\"epochs\":3,").utf8))
        case "non-integer": Gzip.compress(Array(Self.replacingFirst("\"epoch\":1,", with: "\"epoch\":1.5,", in: text).utf8))
        case "wrong type": Gzip.compress(Array(text.replacingOccurrences(of: "\"version\":\"\(EngineIdentity.current.version)\"", with: "\"version\":0.1").utf8))
        default: Gzip.compress(Array(text.replacingOccurrences(of: "\"batch_size\":4", with: "\"batch_size\":0").utf8))
        }
        let path = "\(folder)/xor.json.gz"
        try AtomicFile.write(bytes, to: path)
        #expect {
            _ = try BaselineFile.read(path)
        } throws: { error in
            let description = (error as? BaselineError)?.description ?? ""
            return description.hasPrefix("baseline '\(path)': ") && description.contains(words) && !description.contains("\n")
        }
    }

    /// `text` with its first occurrence of `target` replaced.
    static func replacingFirst(_ target: String, with replacement: String, in text: String) -> String {
        guard let range = text.range(of: target) else { return text }
        return text.replacingCharacters(in: range, with: replacement)
    }
}
