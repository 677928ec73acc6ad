import NNBenchIO

/// Renders a task's data as a file: CSV, JSON or NPY.
///
/// Rendering is pure and byte-deterministic: the same task, selection and format give the same
/// bytes on every run and platform. Numbers are written as the shortest text that reads back to
/// the same `Double` (Swift's `description`: `0.1`, `1e-300`, `-0.0`, `5e-324`); class labels
/// and binary targets as integers (`0`, `1`, `2`).
///
/// The tabular formats, CSV and NPY, share one set of columns, one row per sample:
/// - `split` (only for ``SplitSelection/all``): the sample's split, `train`, `valid` or `test` in
///   CSV and `0`, `1`, `2` in NPY; rows of the training split come first, then validation, then test;
/// - `x0` ... `x{d-1}`: the `d` input values; image inputs `[c, h, w]` flattened row-major;
/// - `y` for one target value (binary, multi-class, regression with one output), or
///   `y0` ... `y{k-1}` for a regression with `k > 1` outputs.
///
/// The exact layout of each format is documented on its writer (`CSVWriter`, `JSONWriter`,
/// `NPYWriter`) and summarised on ``DatasetFormat``.
///
/// ``write(_:splits:format:threads:blockValues:to:)`` writes a file of any size from a few blocks
/// of samples in memory: the blocks are drawn and rendered on several threads and handed to the
/// output in order, so the bytes are those of ``render(_:splits:format:)`` at any thread count.
public enum DatasetExport {
    /// Renders the selected splits of a task in a format.
    ///
    /// - Parameters:
    ///   - task: The task whose data is written.
    ///   - splits: One split, or all three.
    ///   - format: The file format.
    /// - Returns: The complete file.
    /// - Complexity: O(number of values written).
    public static func render(_ task: LearningTask, splits: SplitSelection, format: DatasetFormat) -> [UInt8] {
        var bytes: [UInt8] = []
        write(DatasetSource(task), splits: splits, format: format, threads: 1) { bytes += $0 }
        return bytes
    }

    /// The number of values (inputs and targets) drawn and rendered together, by default: about
    /// 1 MiB of doubles and 3 MiB of text, large enough that a block's overhead does not show.
    package static let defaultBlockValues = 1 << 17

    /// The most blocks rendered at once, whatever the thread count, so that memory stays bounded
    /// (about 50 MiB of text for CSV) on a machine of many cores.
    static let maximumBlocksInFlight = 16

    /// Writes the selected splits of a source in a format, a block of samples at a time.
    ///
    /// - Parameters:
    ///   - source: The task, whole or drawn window by window.
    ///   - splits: One split, or all three.
    ///   - format: The file format.
    ///   - threads: The most threads drawing and rendering blocks; the bytes do not depend on it.
    ///   - blockValues: About how many values make a block (at least one sample); the bytes do
    ///     not depend on it.
    ///   - output: Takes the file's bytes, piece after piece, in order.
    /// - Throws: What `output` throws; nothing is written after it throws.
    /// - Complexity: O(number of values written) time; memory O(blocks in flight × block size).
    package static func write(
        _ source: DatasetSource, splits: SplitSelection, format: DatasetFormat, threads: Int,
        blockValues: Int = defaultBlockValues, to output: ([UInt8]) throws -> Void
    ) rethrows {
        let layout: ExportLayout
        switch format {
        case .csv: layout = CSVWriter.layout(source, splits: splits)
        case .json: layout = JSONWriter.layout(source, splits: splits)
        case .npy: layout = NPYWriter.layout(source, splits: splits)
        }
        let rowValues = source.task.inputShape.reduce(1, *) + source.task.targetShape.reduce(1, *)
        let blockRows = max(1, blockValues / rowValues)
        let inFlight = max(1, min(2 * threads, maximumBlocksInFlight))
        try output(layout.head)
        for pass in layout.passes {
            try output(pass.prefix)
            let count = source.sizes[pass.split]
            let blocks = stride(from: 0, to: count, by: blockRows).map { $0..<min($0 + blockRows, count) }
            for start in stride(from: 0, to: blocks.count, by: inFlight) {
                let rendered = Array(blocks[start..<min(start + inFlight, blocks.count)]).concurrentMap(threads: threads) { rows in
                    pass.render(source.samples(of: pass.split, rows: rows), rows.lowerBound == 0)
                }
                for bytes in rendered { try output(bytes) }
            }
            try output(pass.suffix)
        }
        try output(layout.tail)
    }
}
