import Foundation
import NNBench
import Testing

/// `nnbench train`: the record, its determinism, and each way a run is refused or stops.
@Suite("nnbench train")
struct TrainCommandTests {
    /// The JSON record without its wall time, the one field that differs between runs.
    static func recordWithoutTime(_ output: [UInt8]) throws -> TrainingRecord {
        var record = try JSONDecoder().decode(TrainingRecord.self, from: Data(output))
        record.wallSeconds = 0
        return record
    }

    @Test func theSameArgumentsPrintTheSameRecord() throws {
        let arguments = ["train", "xor", "--epochs", "40", "--seed", "3", "--json"]
        let first = try CommandRunner.run(arguments), second = try CommandRunner.run(arguments)
        #expect(first.status == 0 && second.status == 0)
        let a = try Self.recordWithoutTime(first.standardOutput)
        #expect(a == (try Self.recordWithoutTime(second.standardOutput)))
        #expect(a.epochs.count == 41 && a.architecture == "dense(4) tanh dense(1)" && a.seed == 3)
    }

    @Test func aRateTooHighIsAWarningInTheJSONAndNotAFailure() throws {
        // xor's reference at sgd(lr: 10): the loss ends above where it started (docs/diagnoses.md).
        let bad = try CommandRunner.run(["train", "xor", "--optimizer", "sgd(lr: 10)", "--epochs", "50", "--json"])
        #expect(bad.status == 0)
        let warnings = bad.standardError.split(separator: "\n").filter { $0.hasPrefix("nnbench: warning: ") }
        #expect(warnings.contains { $0.contains("the training loss rose") && $0.contains("learning rate is likely too high") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bad.standardOutput)) as? [String: Any])
        let diagnoses = try #require(object["diagnoses"] as? [[String: Any]])
        #expect(diagnoses.count == warnings.count && diagnoses.contains { $0["name"] as? String == "loss-rising" })
        // The record itself is the undiagnosed run's: nothing observed is left in it.
        #expect(object["snapshots"] == nil && !String(decoding: bad.standardOutput, as: UTF8.self).contains("deadFraction"))
        let quiet = try CommandRunner.run(["train", "xor", "--optimizer", "sgd(lr: 10)", "--epochs", "50", "--json", "--no-diagnoses"])
        #expect(quiet.status == 0 && !quiet.standardError.contains("warning"))
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(quiet.standardOutput)) as? [String: Any])
        #expect(plain["diagnoses"] == nil)
        var diagnosed = try Self.recordWithoutTime(bad.standardOutput), undiagnosed = try Self.recordWithoutTime(quiet.standardOutput)
        diagnosed.wallSeconds = 0
        undiagnosed.wallSeconds = 0
        #expect(diagnosed == undiagnosed)
        // The reference solution is silent.
        let good = try CommandRunner.run(["train", "xor"])
        #expect(good.status == 0 && !good.standardError.contains("warning"))
    }

    @Test func plainOutputHasOneLinePerEpochAndASummary() throws {
        let result = try CommandRunner.run(["train", "xor", "--epochs", "5"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("epoch ") && $0.contains("/5 ") }.count == 6)
        #expect(result.output.contains("target train accuracy >= 1"))
    }

    @Test func aMisspelledLayerIsNamedInOneLine() throws {
        let result = try CommandRunner.run(["train", "xor", "--arch", "dense(4) tanh dnse(1)"])
        #expect(result.status == 64)
        #expect(result.standardError == "nnbench: error: invalid --arch: layer 2 'dnse(1)': unknown layer 'dnse'; did you mean 'dense'?\n")
    }

    @Test func aWrongOutputWidthIsRefusedBeforeTraining() throws {
        let result = try CommandRunner.run(["train", "xor", "--arch", "dense(4) tanh dense(2)"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("the task needs 1 output but the last layer 'dense(2)' gives 2"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func badNumbersAreUsageErrors() throws {
        let epochs = try CommandRunner.run(["train", "xor", "--epochs", "0"])
        #expect(epochs.status == 64 && epochs.standardError.hasPrefix("nnbench: error: invalid --epochs '0'"))
        let optimizer = try CommandRunner.run(["train", "xor", "--optimizer", "adam(lr: -1)"])
        #expect(optimizer.status == 64 && optimizer.standardError.hasPrefix("nnbench: error: invalid --optimizer"))
    }

    @Test func aDivergingRunReportsEpochAndStepAndExits1() throws {
        let result = try CommandRunner.run(["train", "sum", "--optimizer", "sgd(lr: 1000)", "--epochs", "30"])
        #expect(result.status == 1)
        #expect(result.output.contains("diverged in epoch 1, step "))
        #expect(result.output.contains("the loss became inf"))
    }

    @Test func aReportIsWrittenAndChangesNoNumberPrinted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["train", "moons", "--epochs", "4", "--seed", "2"]
        let plain = try CommandRunner.run(arguments)
        let reported = try CommandRunner.run(arguments + ["--report", "moons.html"], in: folder)
        #expect(plain.status == 0 && reported.status == 0)
        // Every line but the wall time's is the same: observing the run changed no number.
        func withoutTime(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("wall time") } }
        #expect(withoutTime(plain.output) == withoutTime(reported.output))
        let html = try String(contentsOf: folder.appendingPathComponent("moons.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("Learning curves") && html.contains("decision regions"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"))
    }

    @Test func aRecurrentModelOnTokensIsReportedAndChangesNoNumberPrinted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["train", "parity", "--arch", "embedding(2, 4) gru(8, sequence: false) dense(1)", "--epochs", "3"]
        let plain = try CommandRunner.run(arguments)
        let reported = try CommandRunner.run(arguments + ["--report", "parity.html"], in: folder)
        #expect(plain.status == 0 && reported.status == 0, "\(reported.standardError)")
        func withoutTime(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("wall time") } }
        #expect(withoutTime(plain.output) == withoutTime(reported.output))
        let html = try String(contentsOf: folder.appendingPathComponent("parity.html"), encoding: .utf8)
        #expect(html.contains("1.weight_hh, epoch 0") && html.contains("1.weight_hh, epoch 3"))
        // The gradient through time: the chart of layer 1 and its two ratios under it.
        #expect(html.contains("Gradient through time") && html.contains("layer 1 (gru(8, sequence: false)): gradient through time"))
        #expect(html.contains("at initialisation,") && html.contains("after training:"))
    }

    /// A plain rnn over adding's 50 steps: the norms per step and the verdict in --json, the
    /// warning on standard error (docs/diagnoses.md); without diagnoses, neither.
    @Test func theGradientThroughTimeIsInTheJSONWithItsVerdict() throws {
        let arguments = ["train", "adding", "--n", "64", "--arch", "rnn(8, sequence: false) dense(1)", "--epochs", "2", "--json"]
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("nnbench: warning: layer 0 (rnn(8, sequence: false)): the gradient reaching h_0 is "))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let profiles = try #require(object["timeStepGradients"] as? [[String: Any]])
        #expect(profiles.count == 1 && (profiles[0]["initial"] as? [Double])?.count == 50 && (profiles[0]["final"] as? [Double])?.count == 50)
        let verdicts = try #require(object["timeStepVerdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1 && verdicts[0]["verdict"] as? String == "vanishing through time", "\(verdicts)")
        #expect((object["diagnoses"] as? [[String: Any]])?.contains { $0["name"] as? String == "vanishing-through-time" } == true)
        let quiet = try CommandRunner.run(arguments + ["--no-diagnoses"])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(quiet.standardOutput)) as? [String: Any])
        #expect(quiet.status == 0 && plain["timeStepGradients"] == nil && plain["timeStepVerdicts"] == nil)
    }

    @Test func anUnwritableReportIsAnError() throws {
        let result = try CommandRunner.run(["train", "xor", "--epochs", "2", "--report", "/nonexistent-folder/r.html"])
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("nnbench: error:") && result.standardError.contains("/nonexistent-folder/r.html"))
    }
}
