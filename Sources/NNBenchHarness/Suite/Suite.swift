import Foundation
import NNBenchDatasets
import NNBenchIO

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
/// left out; any other field missing, and any unknown field, is an error.
public struct Suite: Sendable, Hashable {
    /// The version of the file format this reads and writes.
    public static let currentSchema = 1
    /// The largest suite file read, a guard against reading a wrong file.
    static let readLimit = 4 << 20

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

    /// Reads a suite file.
    ///
    /// - Parameter path: The file.
    /// - Returns: The suite.
    /// - Throws: ``SuiteError`` naming the file and what is wrong: unreadable, not JSON, a wrong
    ///   schema, a missing, unknown or invalid field, or two entries of one name.
    public static func read(_ path: String) throws(SuiteError) -> Suite {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: readLimit) } catch {
            throw SuiteError(error.description, isFileError: true)
        }
        return try parse(bytes, source: "suite '\(path)'")
    }

    /// Reads a suite from JSON bytes.
    ///
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - source: The suite's name in messages, e.g. `suite 'my.json'`.
    /// - Returns: The suite.
    /// - Throws: ``SuiteError`` naming the field and what was expected.
    public static func parse(_ bytes: [UInt8], source: String) throws(SuiteError) -> Suite {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw SuiteError("\(source) is not valid JSON")
        }
        let fields = try JSONFields(json, path: source, known: ["schema", "name", "entries"])
        let schema = try fields.integer("schema", in: 0...Int.max)
        guard schema == currentSchema else {
            throw fields.error("schema", "this nnbench reads schema \(currentSchema), the file has \(schema)")
        }
        let name = try fields.string("name")
        var entries: [SuiteEntry] = []
        for (index, item) in try fields.array("entries").enumerated() {
            let entry = try readEntry(item, path: "\(source), entries[\(index)]")
            if entries.contains(where: { $0.name == entry.name }) {
                throw SuiteError("\(source), entries[\(index)]: a second entry named '\(entry.name)'; entry names must be unique")
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw fields.error("entries", "the suite has no entries") }
        return Suite(name: name, entries: entries)
    }

    private static func readEntry(_ value: Any, path: String) throws(SuiteError) -> SuiteEntry {
        let known: Set<String> = [
            "name", "task", "parameters", "data_seed", "architecture", "optimizer", "schedule", "batch_size", "epochs",
            "seeds", "target", "expect", "note",
        ]
        // The entry's name, when it has one, goes into every message about it.
        let givenName = ((value as? [String: Any])?["name"] as? String).map { "\(path) ('\($0)')" } ?? path
        let fields = try JSONFields(value, path: givenName, known: known)
        let name = try fields.string("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw try JSONFields(value, path: path, known: known).error("name", "expected lowercase letters, digits, '-' and '_' (it names the baseline file), got \"\(name)\"")
        }
        let targetFields = try JSONFields(try fields.value("target"), path: "\(fields.path).target", known: ["split", "metric", "value"])
        let splitText = try targetFields.string("split"), metricText = try targetFields.string("metric")
        guard let split = SplitName(rawValue: splitText) else {
            throw targetFields.error("split", "expected one of: \(SplitName.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(splitText)\"")
        }
        guard let metric = Metric(rawValue: metricText) else {
            throw targetFields.error("metric", "expected one of: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(metricText)\"")
        }
        let expectText = try fields.string("expect", default: SuiteEntry.Expectation.meet.rawValue)
        guard let expectation = SuiteEntry.Expectation(rawValue: expectText) else {
            throw fields.error("expect", "expected \"meet\" or \"miss\", got \"\(expectText)\"")
        }
        return SuiteEntry(
            name: name, task: try fields.string("task"), parameters: try fields.strings("parameters"),
            dataSeed: UInt64(try fields.integer("data_seed", in: 0...9_007_199_254_740_992, default: 0)),
            architecture: try fields.string("architecture"), optimizer: try fields.string("optimizer"),
            schedule: try fields.string("schedule", default: "constant"),
            batchSize: try fields.integer("batch_size", in: 1...1_000_000), epochs: try fields.integer("epochs", in: 1...1_000_000),
            seeds: try fields.seeds("seeds"),
            target: Target(metric: metric, split: split, value: try targetFields.number("value")),
            expectation: expectation, note: try fields.string("note", default: ""))
    }

    /// The suite as JSON, one entry per line, keys sorted, ending in a newline: the same suite
    /// gives the same bytes.
    ///
    /// - Returns: The file's bytes.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // `encode` fails only for non-finite numbers, which a suite cannot hold (targets are read finite).
        let lines = entries.map { entry in "    " + String(decoding: try! encoder.encode(entry), as: UTF8.self) }
        let text = "{\n  \"entries\": [\n" + lines.joined(separator: ",\n") + "\n  ],\n  \"name\": \""
            + name + "\",\n  \"schema\": \(Self.currentSchema)\n}\n"
        return Array(text.utf8)
    }

    /// Selects entries by name or by task name.
    ///
    /// - Parameter names: Entry names or task names; `["all"]` or none selects every entry.
    /// - Returns: The selected entries, in suite order.
    /// - Throws: ``SuiteError`` for a name that is neither an entry's nor a task's in the suite.
    public func selecting(_ names: [String]) throws(SuiteError) -> Suite {
        guard !names.isEmpty, names != ["all"] else { return self }
        for name in names where !entries.contains(where: { $0.name == name || $0.task == name }) {
            let known = (["all"] + entries.map(\.name)).joined(separator: ", ")
            throw SuiteError("unknown entry or task '\(name)' in suite '\(self.name)'; expected one of: \(known)")
        }
        return Suite(name: name, entries: entries.filter { names.contains($0.name) || names.contains($0.task) })
    }
}
