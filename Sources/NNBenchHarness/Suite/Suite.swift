import NNBenchDatasets

/// A list of benchmarks, stored as JSON in `Datasets/suites/`.
///
/// ```json
/// {"schema": 1, "name": "default", "entries": [{"name": "xor", "task": "xor", "parameters": {},
///   "data_seed": 0, "architecture": "dense(4) tanh dense(1)", "optimizer": "adam(lr: 0.05)",
///   "schedule": "constant", "batch_size": 4, "epochs": 300, "seeds": [0, 1, 2, 3, 4],
///   "target": {"split": "train", "metric": "accuracy", "value": 1}, "expect": "meet", "note": ""}]}
/// ```
///
/// `parameters`, `data_seed` (0), `schedule` (`constant`), `expect` (`meet`) and `note` may be
/// left out; any other field missing, and any unknown field, is an error (see ``read(_:)``).
public struct Suite: Sendable, Hashable {
    /// The suite's name.
    public var name: String
    /// The entries, in the order they are reported.
    public var entries: [SuiteEntry]

    /// Creates a suite.
    ///
    /// - Parameters:
    ///   - name: The suite's name.
    ///   - entries: The entries; their names must be unique.
    public init(name: String, entries: [SuiteEntry]) {
        self.name = name
        self.entries = entries
    }

    /// Selects entries by name or by task name.
    ///
    /// A name that is an entry's selects that entry alone (`xor`, not `xor-linear`); a task's name
    /// that no entry has selects every entry of the task.
    ///
    /// - Parameter names: Entry names or task names; `["all"]` or none selects every entry.
    /// - Returns: The selected entries, in suite order.
    /// - Throws: ``SuiteError`` for a name that is neither an entry's nor a task's in the suite, and
    ///   for `all` given with other names.
    public func selecting(_ names: [String]) throws(SuiteError) -> Suite {
        guard !names.isEmpty, names != ["all"] else { return self }
        if names.contains("all") {
            throw SuiteError("'all' selects every entry and cannot be given with other names (got: \(names.joined(separator: " "))); give 'all' alone, or only the entries")
        }
        var selected = Set<String>()
        for name in names {
            if entries.contains(where: { $0.name == name }) {
                selected.insert(name)
                continue
            }
            let ofTask = entries.filter { $0.task == name }.map(\.name)
            guard !ofTask.isEmpty else {
                let known = (["all"] + entries.map(\.name)).joined(separator: ", ")
                throw SuiteError("unknown entry or task '\(name)' in suite '\(self.name)'; expected one of: \(known)")
            }
            selected.formUnion(ofTask)
        }
        return Suite(name: name, entries: entries.filter { selected.contains($0.name) })
    }
}
