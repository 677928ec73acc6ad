import Foundation
import NNBenchHarness
import NNBenchIO
import Testing
import NNBenchDatasets

/// Suites: the default suite built from the catalogue, the JSON format, and its errors.
@Suite("suites")
struct SuiteTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDefaultSuiteCoversEveryTaskAndSixCapacityLessons() throws {
        let suite = Suite.makeDefault()
        for definition in TaskCatalogue.all {
            let entry = try #require(suite.entries.first { $0.name == definition.name })
            #expect(entry.architecture == (try definition.makeTask()).reference.architecture)
            #expect(entry.expectation == .meet)
        }
        let misses = suite.entries.filter { $0.expectation == .miss }
        #expect(misses.map(\.name) == ["xor-linear", "spirals-linear", "adding-rnn", "copy-memory-rnn", "temporal-order-rnn", "counting-rnn"])
        #expect(misses.map(\.architecture).prefix(2) == ["dense(1)", "dense(3)"])
        // A sequence task's lesson is its reference with a plain rnn where the gated layer was.
        for lesson in misses.dropFirst(2) {
            let reference = try #require(suite.entries.first { $0.name == lesson.task })
            #expect(lesson.architecture == reference.architecture.replacingOccurrences(of: "gru(", with: "rnn("))
            #expect(lesson.target == reference.target && lesson.optimizer == reference.optimizer && lesson.batchSize == reference.batchSize)
        }
        #expect(suite.entries.count == TaskCatalogue.all.count + 6)
    }

    @Test func theCommittedDefaultSuiteIsTheGeneratedOne() throws {
        let path = Self.packageRoot.appendingPathComponent(Suite.defaultPath).path
        #expect(try Suite.read(path) == Suite.makeDefault(), "run 'nnbench run --write-default-suite' and commit the file")
        #expect(try AtomicFile.read(path, limit: 1 << 20) == Suite.makeDefault().encoded())
    }

    @Test func encodingReadsBackToTheSameSuiteBitForBit() throws {
        let suite = Suite.makeDefault()
        let read = try Suite.parse(suite.encoded(), source: "suite")
        #expect(read == suite)
        // Long decimals such as 0.012001000000000001 must read back as the same double.
        #expect(read.entries.map(\.target.value.bitPattern) == suite.entries.map(\.target.value.bitPattern))
    }

    @Test func longDecimalsAreReadExactly() throws {
        // 0.012001000000000001 is the shortest text of the double next above 0.012001 (the
        // catalogue's linear target, a sum of two doubles). Foundation's JSONSerialization read it as
        // an NSDecimalNumber whose double was 0.012001; JSONDecoder must give the nearest double.
        let suite = try Suite.parse(Array(Self.suite(["target": #"{"split": "test", "metric": "mse", "value": 0.012001000000000001}"#]).utf8), source: "s")
        #expect(suite.entries[0].target.value.bitPattern == (0.012001000000000001).bitPattern)
        #expect(suite.entries[0].target.value != 0.012001)
    }

    /// A suite of `copies` of a valid entry `a`, with `changes` to its fields: JSON text by field
    /// name, `nil` to leave a field out.
    static func suite(_ changes: [String: String?] = [:], copies: Int = 1) -> String {
        var fields: [String: String?] = [
            "name": #""a""#, "task": #""xor""#, "architecture": #""dense(1)""#, "optimizer": #""sgd(lr: 0.1)""#,
            "batch_size": "4", "epochs": "3", "seeds": "[0]", "target": #"{"split": "train", "metric": "accuracy", "value": 1}"#,
        ]
        fields.merge(changes) { $1 }
        let entry = fields.keys.sorted().compactMap { key in fields[key]!.map { "\"\(key)\": \($0)" } }.joined(separator: ", ")
        return #"{"schema": 1, "name": "s", "entries": ["# + Array(repeating: "{\(entry)}", count: copies).joined(separator: ", ") + "]}"
    }

    static let badSuites: [(String, String)] = [
        (#"{"schema": 2, "name": "s", "entries": []}"#, "suite 's.json', schema: this nnbench reads schema 1, the file has 2"),
        (#"{"schema": 1.5, "name": "s", "entries": []}"#, "suite 's.json', schema: expected an integer in 0...2147483647, got 1.5"),
        (#"{"schema": 1, "name": "s", "entries": [], "extra": 1}"#, "suite 's.json', extra: unknown field; expected one of: entries, name, schema"),
        (#"{"schema": 1, "name": "s", "entries": []}"#, "suite 's.json', entries: the suite has no entries"),
        (#"{"schema": 1, "name": "s", "entries": {}}"#, "suite 's.json', entries: expected an array of entries, got {}"),
        (#"{"schema": 1, "name": "s", "entries": [3]}"#, "suite 's.json', entries[0]: expected an object, got 3"),
        (#"{"schema": 1, "name": "s", "entries": [null]}"#, "suite 's.json', entries[0]: expected an object, got null"),
        (#"{"schema": 1, "name": 7, "entries": []}"#, "suite 's.json', name: expected a string, got 7"),
        (#"{"schema": 1, "entries": []}"#, "suite 's.json': missing field 'name'"),
        // The decoder would keep 'xor', Python's json 'zzz': the file must mean one thing.
        (#"{"schema": 1, "name": "s", "entries": [{"name": "xor", "name": "zzz"}]}"#, "suite 's.json', entries[0].name: given twice in one object; a field may appear once"),
        (suite(["epochs": "0"]), "suite 's.json', entries[0] ('a').epochs: expected an integer in 1...1000000, got 0"),
        (suite(["epochs": "2.5"]), "suite 's.json', entries[0] ('a').epochs: expected an integer in 1...1000000, got 2.5"),
        (suite(["epochs": "true"]), "suite 's.json', entries[0] ('a').epochs: expected an integer in 1...1000000, got true"),
        (suite(["epochs": #""3""#]), #"suite 's.json', entries[0] ('a').epochs: expected an integer in 1...1000000, got "3""#),
        (suite(["batch_size": nil]), "suite 's.json', entries[0] ('a'): missing field 'batch_size'"),
        (suite(["epoch": "3"]),
         "suite 's.json', entries[0] ('a').epoch: unknown field (did you mean 'epochs'?); expected one of: architecture, batch_size, data_seed, epochs, expect, name, note, optimizer, parameters, schedule, seeds, target, task"),
        (suite(["task": "3"]), "suite 's.json', entries[0] ('a').task: expected a string, got 3"),
        (suite(["note": "null"]), "suite 's.json', entries[0] ('a').note: expected a string, got null"),
        (suite(["parameters": #"{"classes": 5}"#]), #"suite 's.json', entries[0] ('a').parameters: expected an object of strings, got {"classes": 5}"#),
        (suite(["data_seed": "-1"]), "suite 's.json', entries[0] ('a').data_seed: expected an integer in 0...9007199254740992, got -1"),
        (suite(["seeds": "[0, 0]"]), "suite 's.json', entries[0] ('a').seeds: expected a non-empty list of distinct integers in 0...9007199254740992, got [0, 0]"),
        (suite(["seeds": "[9007199254740994]"]), "suite 's.json', entries[0] ('a').seeds: expected a non-empty list of distinct integers"),
        (suite(["seeds": "[]"]), "suite 's.json', entries[0] ('a').seeds: expected a non-empty list of distinct integers"),
        (suite(["expect": #""hit""#]), #"suite 's.json', entries[0] ('a').expect: expected one of: meet, miss, got "hit""#),
        (suite(["target": #"{"split": "dev", "metric": "accuracy", "value": 1}"#]),
         #"suite 's.json', entries[0] ('a').target.split: expected one of: train, valid, test, got "dev""#),
        (suite(["target": #"{"split": "train", "metric": "accuracy", "value": "x"}"#]),
         #"suite 's.json', entries[0] ('a').target.value: expected a finite number, got "x""#),
        (suite(["target": #"{"split": "train", "metric": "accuracy", "value": 1, "vaule": 1}"#]),
         "suite 's.json', entries[0] ('a').target.vaule: unknown field (did you mean 'value'?); expected one of: metric, split, value"),
        (suite(["target": "[1]"]), "suite 's.json', entries[0] ('a').target: expected an object, got [1]"),
        (suite(["target": "null"]), "suite 's.json', entries[0] ('a').target: expected an object, got null"),
        (suite(["target": nil]), "suite 's.json', entries[0] ('a'): missing field 'target'"),
        (suite(["name": #""A b""#]), #"suite 's.json', entries[0].name: expected lowercase letters, digits, '-' and '_' (it names the baseline file), got "A b""#),
        (suite(copies: 2),
         "suite 's.json', entries[1]: a second entry named 'a'; entry names must be unique"),
        ("[1]", "suite 's.json': expected an object, got [1]"),
        ("{", "suite 's.json': not valid JSON"),
    ]

    @Test(arguments: badSuites)
    func badSuitesAreOneLineErrorsNamingTheField(text: String, message: String) {
        #expect {
            _ = try Suite.parse(Array(text.utf8), source: "suite 's.json'")
        } throws: { error in
            let description = (error as? SuiteError)?.description ?? ""
            return description.hasPrefix(message) && !description.contains("\n")
        }
    }

    @Test func theTestSuiteItselfIsValid() throws {
        #expect(try Suite.parse(Array(Self.suite().utf8), source: "s").entries.map(\.name) == ["a"])
    }

    @Test func preparingChecksTheArchitectureAgainstTheTask() {
        let entry = SuiteEntry(
            name: "x", task: "xor", architecture: "dense(4) tanh dense(2)", optimizer: "adam(lr: 0.05)", batchSize: 4, epochs: 3,
            seeds: [0], target: Target(metric: .accuracy, split: .train, value: 1))
        #expect {
            _ = try PreparedEntry(entry)
        } throws: { error in
            (error as? SuiteError)?.description.hasPrefix("entry 'x': the architecture does not fit task 'xor'") == true
        }
    }

    @Test func selectingByEntryOrTaskNameKeepsSuiteOrder() throws {
        let suite = Suite.makeDefault()
        // An entry's name selects that entry alone, a task's name that is no entry's every entry of it.
        #expect(try suite.selecting(["xor"]).entries.map(\.name) == ["xor"])
        #expect(try suite.selecting(["xor", "xor-linear"]).entries.map(\.name) == ["xor", "xor-linear"])
        var renamed = suite
        renamed.entries = suite.entries.map { entry in var entry = entry; if entry.name == "xor" { entry.name = "xor-deep" }; return entry }
        #expect(try renamed.selecting(["xor"]).entries.map(\.name) == ["xor-deep", "xor-linear"])
        #expect(throws: SuiteError.self) { try suite.selecting(["all", "xor"]) }
        #expect(try suite.selecting(["spirals-linear", "sum"]).entries.map(\.name) == ["sum", "spirals-linear"])
        #expect(throws: SuiteError.self) { try suite.selecting(["nope"]) }
    }
}
