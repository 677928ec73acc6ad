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
        switch format {
        case .csv: return CSVWriter.render(task, splits: splits)
        case .json: return JSONWriter.render(task, splits: splits)
        case .npy: return NPYWriter.render(task, splits: splits)
        }
    }
}
