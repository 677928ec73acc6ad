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
    /// Renders the selected splits of a task as CSV.
    ///
    /// - Complexity: O(number of values written).
    static func render(_ task: LearningTask, splits selection: SplitSelection) -> [UInt8] {
        let columns = ExportColumns(task, splits: selection)
        var text = TextBuffer(capacity: 64 + columns.rowCount * (6 + columns.count * TextBuffer.bytesPerNumber))
        text.append(text: columns.names.joined(separator: ","))
        text.append("\n")
        for split in columns.splits {
            let rowStart = columns.hasSplitColumn ? Array((split.name.rawValue + ",").utf8) : []
            split.inputs.withUnsafeBufferPointer { inputs in
                split.targets.withUnsafeBufferPointer { targets in
                    for row in 0..<split.count {
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
        }
        return text.bytes
    }
}
