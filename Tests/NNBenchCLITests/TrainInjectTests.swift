import Foundation
import NNBench
import Testing

/// `nnbench train --inject BUG`: a known bug's effect on a run, said by the diagnoses, and marked
/// in every output (docs/diagnoses.md, the proof of the `frozen` rule).
@Suite("nnbench train --inject")
struct TrainInjectTests {
    /// The `frozen` warnings of a run, one line each.
    static func frozen(_ result: CommandRunner.Result) -> [Substring] {
        result.standardError.split(separator: "\n").filter { $0.hasPrefix("nnbench: warning: ") && $0.contains("never changed") }
    }

    @Test func aMissingBiasGradientFreezesEveryDenseBiasAndNothingElse() throws {
        // xor's reference, dense(4) tanh dense(1): the bug wraps both dense layers, so both biases
        // keep their initial zeros, bit for bit, while every weight trains.
        let result = try CommandRunner.run(["train", "xor", "--inject", "dense-missing-bias-gradient"])
        #expect(result.status == 0)
        let frozen = Self.frozen(result)
        #expect(frozen.count == 1 && frozen[0].hasPrefix("nnbench: warning: 0.bias, 2.bias: never changed in 300 epochs"), "\(result.standardError)")
        let notice = "injected bug dense-missing-bias-gradient (dense bias gradient missing): this run trains a deliberately broken engine, not a result"
        let lines = result.output.split(separator: "\n")
        #expect(lines.first == Substring(notice) && lines.last == Substring(notice))
    }

    @Test func updatesNotAppliedFreezeEveryTensor() throws {
        let result = try CommandRunner.run(["train", "xor", "--inject", "updates-not-applied"])
        #expect(result.status == 0)
        let frozen = Self.frozen(result)
        #expect(frozen.count == 1 && frozen[0].hasPrefix("nnbench: warning: 0.weight, 0.bias, 2.weight, 2.bias: never changed"), "\(result.standardError)")
        #expect(result.standardError.contains("the training loss barely moves"))
        // Nothing moved: the loss rule does not blame the rate.
        let flat = result.standardError.split(separator: "\n").filter { $0.contains("barely moves") }
        #expect(flat.count == 1 && flat[0].contains("no parameter changed at all") && !flat[0].contains("higher"), "\(flat)")
    }

    @Test func theSameRunWithoutTheBugIsSilentAndUnmarked() throws {
        let result = try CommandRunner.run(["train", "xor", "--json"])
        #expect(result.status == 0 && !result.standardError.contains("warning"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        #expect(object["injectedFault"] == nil)
    }

    @Test func theJSONAndTheReportSayTheRunCarriesTheBug() throws {
        let json = try CommandRunner.run(["train", "xor", "--epochs", "5", "--inject", "updates-not-applied", "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
        #expect(object["injectedFault"] as? String == "updates-not-applied")
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reported = try CommandRunner.run(["train", "xor", "--epochs", "5", "--inject", "updates-not-applied", "--report", "xor.html"], in: folder)
        #expect(reported.status == 0)
        let page = try String(contentsOf: folder.appendingPathComponent("xor.html"), encoding: .utf8)
        #expect(page.contains("injected bug updates-not-applied"))
    }

    @Test func anUnknownBugIsOneLineWithTheNearestNames() throws {
        let typo = try CommandRunner.run(["train", "xor", "--inject", "dense-missing-bias-gradiant"])
        #expect(typo.status == 64)
        #expect(typo.standardError == "nnbench: error: unknown bug 'dense-missing-bias-gradiant' for --inject; did you mean 'dense-missing-bias-gradient'? (all of them: nnbench check --list-bugs)\n")
        let vague = try CommandRunner.run(["train", "xor", "--inject", "maxpool-bug"])
        #expect(vague.status == 64 && vague.standardError.contains("bugs with a similar name: maxpool-gradient-to-window, "))
    }

    @Test func aBugTheRunNeverReachesIsRefused() throws {
        let conv = try CommandRunner.run(["train", "xor", "--inject", "conv-kernel-flipped"])
        #expect(conv.status == 64)
        #expect(conv.standardError == "nnbench: error: --inject conv-kernel-flipped needs a conv2d layer; 'dense(4) tanh dense(1)' has none, so the bug would change nothing\n")
        let loss = try CommandRunner.run(["train", "xor", "--inject", "softmax-without-max"])
        #expect(loss.status == 64 && loss.standardError.contains("needs the loss softmax_ce; task 'xor' uses bce_logits"))
        let optimizer = try CommandRunner.run(["train", "xor", "--inject", "rmsprop-without-eps-inside"])
        #expect(optimizer.status == 64 && optimizer.standardError.contains("needs the optimizer rmsprop; this run uses adam(lr: 0.05)"))
        let decay = try CommandRunner.run(["train", "xor", "--inject", "weight-decay-wrong-sign"])
        #expect(decay.status == 64 && decay.standardError.contains("needs an optimizer with weight_decay"))
        let withDecay = try CommandRunner.run(["train", "xor", "--epochs", "5", "--optimizer", "adam(lr: 0.05, weight_decay: 0.01)", "--inject", "weight-decay-wrong-sign"])
        #expect(withDecay.status == 0, "\(withDecay.standardError)")
        let stateless = try CommandRunner.run(["train", "xor", "--optimizer", "sgd(lr: 0.1)", "--inject", "momentum-not-kept"])
        #expect(stateless.status == 64 && stateless.standardError.contains("needs an optimizer with state"))
        // Not for run: its baselines are nnbench's.
        #expect(try CommandRunner.run(["run", "xor", "--inject", "updates-not-applied"]).status == 64)
    }
}
