import NNBenchHarness
import Testing
import NNBenchDatasets
import NNBenchEngine

/// The runner: parallel runs give the serial run's numbers, and records carry per-tensor statistics.
@Suite("suite runner")
struct SuiteRunnerTests {
    static let entries = [
        SuiteEntry(
            name: "xor", task: "xor", architecture: "dense(4) tanh dense(1)", optimizer: "adam(lr: 0.05)", batchSize: 4,
            epochs: 3, seeds: [0, 1, 2], target: Target(metric: .accuracy, split: .train, value: 1)),
        SuiteEntry(
            name: "moons", task: "moons", parameters: ["n": "64"], architecture: "dense(8) relu dense(1)",
            optimizer: "sgd(lr: 0.1, momentum: 0.9)", batchSize: 16, epochs: 2, seeds: [4, 5],
            target: Target(metric: .accuracy, split: .test, value: 0.99)),
    ]

    /// A record without its wall time, the one field that differs between runs.
    static func numbers(_ record: TrainingRecord) -> TrainingRecord {
        var record = record
        record.wallSeconds = 0
        return record
    }

    @Test func parallelRunsAreBitIdenticalToASerialRun() throws {
        let prepared = try Self.entries.map(PreparedEntry.init)
        let serial = SuiteRunner.run(prepared, jobs: 1)
        let parallel = SuiteRunner.run(prepared, jobs: 3)
        #expect(serial.map { $0.runs.map(Self.numbers) } == parallel.map { $0.runs.map(Self.numbers) })
        #expect(serial.map { $0.runs.map(\.seed) } == [[0, 1, 2], [4, 5]])
    }

    @Test func everyEpochRecordsEachTensorsNorms() throws {
        let result = SuiteRunner.run([try PreparedEntry(Self.entries[1])], jobs: 1)[0]
        let epochs = result.runs[0].epochs
        #expect(epochs[0].parameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(epochs[0].parameters.allSatisfy { $0.gradientNorm == nil && $0.updateRatio == nil })
        for statistics in epochs[1].parameters {
            #expect(statistics.weightNorm > 0 && (statistics.gradientNorm ?? 0) > 0)
            #expect((statistics.updateRatio ?? 0) > 0 && (statistics.updateRatio ?? 1) < 1)
        }
    }

    @Test func theJSONLinesHaveOneLinePerSeed() throws {
        let result = SuiteRunner.run([try PreparedEntry(Self.entries[0])], jobs: 2)[0]
        let lines = String(decoding: RunRecordWriter.jsonLines(of: result), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"entry\":\"xor\",\"final\":{") && $0.contains("\"weightNorm\"") && $0.contains("\"wallSeconds\"") })
    }
}
