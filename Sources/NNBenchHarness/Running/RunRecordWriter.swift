import Foundation
import NNBenchEngine
import NNBenchIO

/// Writes each entry's runs as JSON lines, for plotting: `DIR/ENTRY.jsonl`, one line per seed
/// with the entry's name, the seed, the final epoch's metrics, and the whole training record
/// (every epoch's train, validation and test loss and metrics, the per-tensor weight and gradient
/// norms and update ratios, epochs to target, outcome and wall time).
///
/// In Python: `[json.loads(line) for line in open("runs/xor.jsonl")]`.
public enum RunRecordWriter {
    /// One line of a `.jsonl` file.
    struct Line: Encodable {
        let entry: String
        let seed: UInt64
        let final: EpochRecord
        let record: TrainingRecord
    }

    /// The encoder of run records: sorted keys; infinities and NaN as strings, since a diverged
    /// run's last numbers may be neither finite nor valid JSON numbers.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The JSON-lines text of one entry's runs.
    ///
    /// - Parameter result: The entry's runs.
    /// - Returns: One line per seed, each ending in a newline.
    public static func jsonLines(of result: EntryResult) -> [UInt8] {
        let encoder = makeEncoder()
        var bytes: [UInt8] = []
        for record in result.runs {
            // Every value is encodable: non-finite numbers are written as strings.
            bytes += try! encoder.encode(Line(entry: result.entry.name, seed: record.seed, final: record.final, record: record))
            bytes.append(0x0A)
        }
        return bytes
    }

    /// Writes `directory/ENTRY.jsonl` for every result, atomically, creating the directory.
    ///
    /// - Parameters:
    ///   - results: The entries' runs.
    ///   - directory: The output directory.
    /// - Throws: ``FileError`` when the directory cannot be created or a file cannot be written.
    public static func write(_ results: [EntryResult], to directory: String) throws(FileError) {
        try createDirectory(directory)
        for result in results {
            try AtomicFile.write(jsonLines(of: result), to: "\(directory)/\(result.entry.name).jsonl")
        }
    }

    /// Creates a directory and its parents when they do not exist.
    ///
    /// - Parameter directory: The directory.
    /// - Throws: ``FileError`` naming the directory when it cannot be created.
    public static func createDirectory(_ directory: String) throws(FileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            // Foundation reports EIO for a path that exists as a file or device: say what it is.
            throw .system(path: directory, step: "create the directory", code: EEXIST)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            // Foundation wraps the errno of mkdir(2) as the underlying POSIX error.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            var code = underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying!.code) : EIO
            // Foundation reports EIO, too, when a folder on the way is a file: say that instead.
            if code == EIO, hasFileAncestor(directory) { code = ENOTDIR }
            throw .system(path: directory, step: "create the directory", code: code)
        }
    }

    /// Whether the nearest existing ancestor of `path` is not a directory.
    private static func hasFileAncestor(_ path: String) -> Bool {
        var ancestor = (path as NSString).deletingLastPathComponent
        while !ancestor.isEmpty && ancestor != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) { return !isDirectory.boolValue }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        return false
    }
}
