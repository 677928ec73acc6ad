import Foundation
import NNBenchHarness
import NNBenchIO
import Testing
import NNBenchDatasets

/// Suites: the default suite built from the catalogue, the JSON format, and its errors.
@Suite("suites")
struct SuiteTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDefaultSuiteCoversEveryTaskAndTwoCapacityLessons() throws {
        let suite = Suite.makeDefault()
        for definition in TaskCatalogue.all {
            let entry = try #require(suite.entries.first { $0.name == definition.name })
            #expect(entry.architecture == (try definition.makeTask()).reference.architecture)
            #expect(entry.expectation == .meet)
        }
        let misses = suite.entries.filter { $0.expectation == .miss }.map(\.architecture)
        #expect(misses == ["dense(1)", "dense(3)"])
        #expect(suite.entries.count == TaskCatalogue.all.count + 2)
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

    static let badSuites: [(String, String)] = [
        (#"{"schema": 2, "name": "s", "entries": []}"#, "suite 's.json'.schema: this nnbench reads schema 1, the file has 2"),
        (#"{"schema": 1, "name": "s", "entries": [{"name": "a", "task": "xor", "architecture": "dense(1)", "optimizer": "sgd(lr: 0.1)", "batch_size": 4, "epochs": 0, "seeds": [0], "target": {"split": "train", "metric": "accuracy", "value": 1}}]}"#,
         "suite 's.json', entries[0] ('a').epochs: expected an integer in 1...1000000, got 0"),
        (#"{"schema": 1, "name": "s", "entries": [{"name": "a", "task": "xor", "epoch": 3}]}"#,
         "suite 's.json', entries[0] ('a'): unknown field 'epoch'; expected one of:"),
        (#"{"schema": 1, "name": "s", "entries": [{"name": "a", "task": "xor", "architecture": "dense(1)", "optimizer": "sgd(lr: 0.1)", "batch_size": 4, "epochs": 3, "seeds": [0, 0], "target": {"split": "train", "metric": "accuracy", "value": 1}}]}"#,
         "suite 's.json', entries[0] ('a').seeds: expected a non-empty list of distinct integers"),
        (#"{"schema": 1, "name": "s", "entries": [{"name": "a", "task": "xor", "architecture": "dense(1)", "optimizer": "sgd(lr: 0.1)", "batch_size": 4, "epochs": 3, "seeds": [0], "target": {"split": "dev", "metric": "accuracy", "value": 1}}]}"#,
         "suite 's.json', entries[0] ('a').target.split: expected one of: train, valid, test, got \"dev\""),
        (#"{"schema": 1, "name": "s", "entries": [{"name": "A b", "task": "xor"}]}"#,
         "suite 's.json', entries[0].name: expected lowercase letters"),
        ("{", "suite 's.json' is not valid JSON"),
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
        #expect(try suite.selecting(["xor"]).entries.map(\.name) == ["xor", "xor-linear"])
        #expect(try suite.selecting(["spirals-linear", "sum"]).entries.map(\.name) == ["sum", "spirals-linear"])
        #expect(throws: SuiteError.self) { try suite.selecting(["nope"]) }
    }
}
