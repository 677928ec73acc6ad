import Foundation
import NNBenchIO
import Testing
@testable import NNBenchDatasets

/// `Datasets/manifest.json`: every canonical instance regenerates to the recorded SHA-256, and a
/// wrong digest or a damaged file is reported.
@Suite("Canonical datasets")
struct CanonicalManifestTests {
    static let datasets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Datasets").path

    @Test func everyCanonicalInstanceRegeneratesBitForBit() throws {
        let problems = try CanonicalDatasets.verify(directory: Self.datasets)
        #expect(problems.isEmpty, "\(problems.map(\.description))")
        let manifest = try JSONDecoder().decode(
            DatasetManifest.self, from: Data(AtomicFile.read(Self.datasets + "/manifest.json", limit: 1 << 20)))
        #expect(manifest.instances.map(\.task) == TaskCatalogue.all.map(\.name))
    }

    @Test func aWrongDigestAndADamagedFileAreReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-manifest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/canonical", withIntermediateDirectories: true)
        let task = try Generators.xor()
        let csv = CanonicalDatasets.canonicalCSV(of: task)
        try AtomicFile.write(Gzip.compress(csv), to: folder + "/canonical/xor.csv.gz")
        func write(_ digest: String) throws {
            let manifest = DatasetManifest(instances: [
                CanonicalInstance(task: "xor", parameters: [:], seed: 0, sha256: digest, file: "canonical/xor.csv.gz")
            ])
            try AtomicFile.write(Array(try JSONEncoder().encode(manifest)), to: folder + "/manifest.json")
        }
        try write(HexDigest.sha256(csv))
        #expect(try CanonicalDatasets.verify(directory: folder).isEmpty)
        try write(String(repeating: "0", count: 64))
        let wrong = try CanonicalDatasets.verify(directory: folder)
        #expect(wrong.count == 1 && wrong[0].description.contains("regenerated data has SHA-256"))
        try write(HexDigest.sha256(csv))
        try AtomicFile.write(Array(Gzip.compress(csv).dropLast(3)), to: folder + "/canonical/xor.csv.gz")
        let damaged = try CanonicalDatasets.verify(directory: folder)
        #expect(damaged.count == 1 && damaged[0].description.contains("xor.csv.gz"))
    }
}
