import Foundation
import NNBenchIO

/// Records and verifies the canonical dataset instances of `Datasets/`.
public enum CanonicalDatasets {
    /// The largest manifest or canonical file this reads, a guard against corrupt input.
    static let readLimit = 64 << 20

    /// An instance whose regenerated data differs from what the manifest records, or a file that
    /// cannot be read. Its description is one line naming the instance or file.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
        /// Whether a file is missing or cannot be read (status 2), rather than read and found to
        /// differ (status 1).
        public var isUnreadable = false
    }

    /// The canonical CSV of a task: all splits, as `nnbench generate --split all --format csv`.
    ///
    /// - Parameter task: The task.
    /// - Returns: The CSV's bytes.
    public static func canonicalCSV(of task: LearningTask) -> [UInt8] {
        DatasetExport.render(task, splits: .all, format: .csv)
    }

    /// Generates every catalogue task at its defaults with seed 0, writes each canonical CSV,
    /// gzip-compressed, under `directory/canonical/`, and the manifest as `directory/manifest.json`.
    ///
    /// - Parameter directory: The datasets folder, e.g. `Datasets`.
    /// - Returns: The manifest written.
    /// - Throws: ``Problem`` when a task cannot be generated or a file cannot be written.
    public static func record(into directory: String) throws(Problem) -> DatasetManifest {
        var instances: [CanonicalInstance] = []
        do {
            try FileManager.default.createDirectory(atPath: directory + "/canonical", withIntermediateDirectories: true)
        } catch {
            throw Problem(description: "cannot create '\(directory)/canonical': \(error.localizedDescription)")
        }
        for definition in TaskCatalogue.all {
            let task: LearningTask
            do { task = try definition.makeTask() } catch { throw Problem(description: error.description) }
            let csv = canonicalCSV(of: task)
            let file = "canonical/\(definition.name).csv.gz"
            do { try AtomicFile.write(Gzip.compress(csv), to: directory + "/" + file) } catch {
                throw Problem(description: error.description)
            }
            instances.append(CanonicalInstance(
                task: definition.name, parameters: [:], seed: 0, sha256: HexDigest.sha256(csv), file: file))
        }
        let manifest = DatasetManifest(instances: instances)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let bytes = try encoder.encode(manifest)
            try AtomicFile.write(Array(bytes) + [0x0A], to: directory + "/manifest.json")
        } catch let error as FileError {
            throw Problem(description: error.description)
        } catch {
            throw Problem(description: "cannot encode the manifest: \(error)")
        }
        return manifest
    }

    /// Reads `directory/manifest.json`, regenerates every instance, and compares its digest, and
    /// the decompressed canonical file's digest, with the recorded one.
    ///
    /// - Parameter directory: The datasets folder.
    /// - Returns: The problems found, one per instance at most; empty when all match.
    /// - Throws: ``Problem`` when the manifest itself cannot be read or decoded.
    public static func verify(directory: String) throws(Problem) -> [Problem] {
        let path = directory + "/manifest.json"
        let manifest: DatasetManifest
        do {
            let bytes = try AtomicFile.read(path, limit: readLimit)
            manifest = try JSONDecoder().decodeRefusingRepeatedFields(DatasetManifest.self, from: bytes)
        } catch let error as FileError {
            throw Problem(description: error.description)
        } catch {
            throw Problem(description: "'\(path)' is not a valid dataset manifest: \(error)")
        }
        guard manifest.schema == DatasetManifest.currentSchema else {
            throw Problem(description: "'\(path)' has schema \(manifest.schema); expected \(DatasetManifest.currentSchema)")
        }
        return manifest.instances.compactMap { check($0, in: directory) }
    }

    static func check(_ instance: CanonicalInstance, in directory: String) -> Problem? {
        let digest: String
        do {
            let task = try TaskCatalogue.definition(named: instance.task).makeTask(instance.parameters, seed: instance.seed)
            digest = HexDigest.sha256(canonicalCSV(of: task))
        } catch {
            return Problem(description: "\(instance.task): \(error.description)")
        }
        guard digest == instance.sha256 else {
            return Problem(description: "\(instance.task) (seed \(instance.seed)): regenerated data has SHA-256 \(digest), the manifest records \(instance.sha256)")
        }
        let path = directory + "/" + instance.file
        do {
            let stored = try Gzip.decompress(AtomicFile.read(path, limit: readLimit), limit: 16 * readLimit)
            guard HexDigest.sha256(stored) == instance.sha256 else {
                return Problem(description: "'\(path)' does not match the manifest's SHA-256 for \(instance.task)")
            }
        } catch {
            return Problem(description: "'\(path)': \(error)", isUnreadable: true)
        }
        return nil
    }
}
