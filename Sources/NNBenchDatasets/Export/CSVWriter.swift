/// Writes a task's data as comma-separated values.
///
/// Layout, for a task with `d` inputs and one target, exporting one split:
///
///     x0,x1,...,x{d-1},y
///     0.25,-1.5,...,0.75,1
///
/// - The header row names the columns of ``DatasetExport``: `x0` ... then `y`, or `y0` ...
///   `y{k-1}` for a regression with `k > 1` outputs; with all splits, a first column `split`
///   whose values are `train`, `valid`, `test`, rows in that order.
/// - Inputs and regression targets are the shortest text that reads back to the same `Double`
///   (`0.1`, `1.0`, `-0.0`, `1e-300`); class labels and binary targets are integers.
/// - Lines end in `\n`, the last one too; no quoting is ever needed.
enum CSVWriter {
    /// The layout of the selected splits as CSV: the header row, then one pass per split.
    static func layout(_ source: DatasetSource, splits selection: SplitSelection) -> ExportLayout {
        let columns = ExportColumns(source, splits: selection)
        let passes = columns.splits.map { name in
            let rowStart = columns.hasSplitColumn ? Array((name.rawValue + ",").utf8) : []
            return ExportLayout.Pass(split: name, prefix: [], suffix: []) { samples, _ in
                rows(samples, columns: columns, rowStart: rowStart)
            }
        }
        return ExportLayout(head: Array((columns.names.joined(separator: ",") + "\n").utf8), passes: passes, tail: [])
    }

    /// The CSV rows of a block of samples, each beginning with `rowStart`.
    ///
    /// - Complexity: O(number of values written).
    private static func rows(_ samples: Split, columns: ExportColumns, rowStart: [UInt8]) -> [UInt8] {
        var text = TextBuffer(capacity: samples.count * (6 + columns.count * TextBuffer.bytesPerNumber))
        samples.inputs.withUnsafeBufferPointer { inputs in
            samples.targets.withUnsafeBufferPointer { targets in
                for row in 0..<samples.count {
                    text.append(bytes: rowStart)
                    for value in inputs[row * columns.inputWidth..<(row + 1) * columns.inputWidth] {
                        text.append(number: value)
                        text.append(",")
                    }
                    for (index, value) in targets[row * columns.targetWidth..<(row + 1) * columns.targetWidth].enumerated() {
                        if index > 0 { text.append(",") }
                        if columns.targetsAreLabels { text.append(label: value) } else { text.append(number: value) }
                    }
                    text.append("\n")
                }
            }
        }
        return text.bytes
    }
}
