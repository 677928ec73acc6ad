import Foundation
@testable import NNBenchProtocol
import Testing

/// `--conformance`: programs that break one rule each are reported with the op, the field and
/// the rule; a conforming program is reported as such.
@Suite("protocol conformance")
struct ProtocolConformanceTests {
    static let fixture = ProtocolFailureTests.fixture

    static func run(_ mode: String) -> ProtocolConformance.Result {
        ProtocolConformance.run(command: "exec python3 \(fixture) \(mode)", timeout: 5, log: nil, records: true)
    }

    @Test("a program that keeps the rules conforms", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func goodProgramConforms() {
        let result = Self.run("good")
        #expect(result.conforms, "\(result.violations)")
        #expect(result.steps.first { $0.name == "layer_gradients" }?.outcome == "not offered")
        #expect(result.steps.first { $0.name == "loss" }?.outcome == "conforms")
        // The transcript holds every request and its answer.
        #expect(result.transcript.count == 2 * result.steps.filter { $0.outcome != "not offered" }.count)
    }

    @Test("a program offering only mse and sgd is driven through every op it lists", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func networkComesFromHello() {
        let result = Self.run("mse_only")
        #expect(result.conforms, "\(result.steps) \(result.violations)")
        #expect(result.undriven.isEmpty, "\(result.undriven)")
        #expect(result.network == "dense(5) relu dense(2) on 3 inputs, loss mse")
        for name in ["build", "get_params", "set_params", "forward", "loss", "gradients", "step (sgd)", "shutdown"] {
            #expect(result.steps.first { $0.name == name }?.outcome == "conforms", "\(name): \(result.steps)")
        }
    }

    /// The autograd client offers dense, relu, tanh, mse and sgd only; every op it lists is driven.
    @Test("the autograd client is driven through every op", .enabled(if: ProtocolFailureTests.hasPython && FileManager.default.fileExists(atPath: autogradClient), "needs python3"))
    func autogradClientConforms() {
        let result = ProtocolConformance.run(command: "exec python3 \(Self.autogradClient)", timeout: 30, log: nil)
        #expect(result.conforms, "\(result.steps) \(result.violations) \(result.failure ?? "")")
        #expect(result.network?.hasSuffix("loss mse") ?? false, "\(result.network ?? "no network")")
        #expect(result.steps.count == 17 && result.steps.allSatisfy { $0.outcome == "conforms" }, "\(result.steps)")
    }

    static let autogradClient = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/autograd_client/nnbench_autograd_client.py").path

    @Test("a build refused for what hello offers is not conformance", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func refusedBuildDoesNotConform() throws {
        let result = Self.run("refuse_build")
        #expect(result.violations.isEmpty && result.failure == nil)
        #expect(!result.conforms)
        let build = try #require(result.steps.first { $0.name == "build" })
        #expect(build.outcome == "refused")
        #expect(build.detail?.contains("cannot build today") ?? false, "\(build)")
        #expect(build.detail?.contains("asked for dense(5) dense(3) on 3 inputs, loss softmax_ce, all of which its hello offers") ?? false, "\(build)")
        // Every later op is listed as not run, with why; the optional ops not listed stay 'not offered'.
        let notRun = result.undriven.dropFirst()
        #expect(notRun.map(\.name) == ["get_params", "set_params", "forward", "loss", "gradients"], "\(result.steps)")
        #expect(notRun.allSatisfy { $0.outcome == "not run" && $0.detail == "no network was built ('build' refused)" }, "\(notRun)")
        #expect(result.steps.last?.name == "shutdown" && result.steps.last?.outcome == "conforms")
        #expect(result.hint?.contains("--record FILE") ?? false, "\(result.hint ?? "no hint")")
    }

    @Test("a hello without a loss nnbench knows leaves every op undriven", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func noLossLeavesOpsUndriven() throws {
        let result = Self.run("no_loss")
        #expect(!result.conforms)
        let build = try #require(result.steps.first { $0.name == "build" })
        #expect(build.outcome == "not run")
        #expect(build.detail?.contains("lists no loss nnbench knows") ?? false, "\(build)")
    }

    @Test("an op name hello lists that the protocol lacks is a warning", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func unknownOpIsAWarning() throws {
        let result = Self.run("unknown_op")
        // docs/protocol.md lets a program list ops nnbench does not know: not a breach.
        #expect(result.conforms, "\(result.violations)")
        let warning = try #require(result.warnings.first)
        #expect(result.warnings.count == 1)
        #expect(warning.contains("'trian', which the protocol does not define"), "\(warning)")
        #expect(warning.contains("gradients, step, trace"), "\(warning)")
    }

    static let breaches: [(mode: String, op: String, fragments: [String])] = [
        ("conf_dtype", "hello", ["dtype", "float16", "float32"]),
        ("conf_protocol", "hello", ["protocol 3", "versions 1 and 2"]),
        ("conf_ops", "hello", ["with ops \"gradients\"; expected an array of op names", "[\"gradients\", \"step\", \"trace\"]"]),
        ("conf_trainable", "build", ["params[0].trainable: got \"yes\", expected true or false"]),
        ("conf_param_order", "build", ["announced the parameters", "0.bias", "0.weight"]),
        ("conf_data_string", "get_params", ["'params.0.weight.data[0]' = \"half\", not a number"]),
        ("conf_loss", "loss", ["without a number 'loss' (got \"low\")"]),
        ("conf_grads", "gradients", ["grads", "without '"]),
        ("wrong_shape", "forward", ["'y' of shape [4, 4]; expected [4, 3]"]),
        ("conf_y_shape", "forward", ["'y' = ", "not a tensor", "(y.shape[1]: got \"3\", expected an integer of at least 0)"]),
    ]

    @Test(arguments: breaches)
    func eachBreachIsReportedWithItsFieldAndRule(mode: String, op: String, fragments: [String]) throws {
        guard ProtocolFailureTests.hasPython else { return }
        let result = Self.run(mode)
        #expect(!result.conforms)
        let reported = result.violations.filter { $0.op == op }.map(\.description).joined(separator: "\n") + (result.failure ?? "")
        for fragment in fragments {
            #expect(reported.contains(fragment), "\(mode): '\(fragment)' not in:\n\(reported)")
        }
        #expect(result.steps.contains { $0.name == op && $0.outcome == "breaks the protocol" } || result.failure != nil, "\(result.steps)")
        // Each mode breaks one rule once; a field that breaks its schema and a rule is one problem.
        #expect(result.violations.count == 1, "\(mode): \(result.violations.map(\.description))")
    }

    @Test("an answer without ok is one breach, not also its schema's", .enabled(if: ProtocolFailureTests.hasPython, "needs python3"))
    func missingOKIsReportedOnce() throws {
        let result = Self.run("conf_no_ok")
        let failure = try #require(result.failure)
        #expect(failure.contains("answered without \"ok\""))
        #expect(result.violations.isEmpty, "\(result.violations.map(\.description))")
    }
}
