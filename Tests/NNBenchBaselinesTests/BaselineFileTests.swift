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

    /// Damage done to a good file, and the words the error must contain.
    static let damages: [(String, String)] = [
        ("truncated", "gzip data ends early"),
        ("flipped", "gzip data is corrupt"),
        ("over-large", "inflates to more than the limit"),
        ("hand-edited", "edited by hand"),
        ("other schema", "schema 9 is not the schema 1"),
        ("not json", "not a JSON object"),
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
        default: Gzip.compress(Array("[1, 2]".utf8))
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
}
