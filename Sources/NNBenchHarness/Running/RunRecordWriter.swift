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

    /// The file an entry's runs go to in an output folder: `ENTRY.jsonl`.
    public static func fileName(of entry: String) -> String { entry + ".jsonl" }

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
            try AtomicFile.write(jsonLines(of: result), to: "\(directory)/\(fileName(of: result.entry.name))")
        }
    }

    /// Creates a directory and its parents when they do not exist.
    ///
    /// - Parameter directory: The directory.
    /// - Throws: ``FileError`` naming the directory when it cannot be created.
    public static func createDirectory(_ directory: String) throws(FileError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { return }
            throw .system(path: directory, step: "create the directory", code: ENOTDIR)
        }
        // mkdir(2) one level at a time, so the error is the system's own (Foundation's
        // createDirectory reports EIO for a read-only parent or a path under /proc).
        let parent = AtomicFile.directoryName(of: directory)
        if parent != directory, stat(parent, &info) != 0, errno == ENOENT { try createDirectory(parent) }
        guard mkdir(directory, 0o777) == 0 else {
            let code = errno
            // Another process may have created it meanwhile.
            if code == EEXIST, stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return }
            throw .system(path: directory, step: "create the directory", code: code)
        }
    }
}
