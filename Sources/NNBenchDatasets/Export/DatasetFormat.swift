/// A file format a task's data can be exported in; see ``DatasetExport``.
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// Comma-separated values: a header row `x0,...,y` (with all splits, a first column `split`),
    /// one row per sample, `\n` line ends.
    case csv
    /// One line of JSON: `{"task":...,"seed":...,"parameters":{...},"loss":...,"splits":{...}}`,
    /// each split's `x` and `y` as protocol tensors `{"shape":[...],"data":[...]}`.
    case json
    /// A NumPy `.npy` file (format 1.0): one C-ordered little-endian float64 matrix with the
    /// columns of the CSV, the split column coded 0 = train, 1 = valid, 2 = test.
    case npy
}
