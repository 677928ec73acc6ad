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

    static let breaches: [(mode: String, op: String, fragments: [String])] = [
        ("conf_dtype", "hello", ["dtype", "float16", "float32"]),
        ("conf_protocol", "hello", ["protocol 3", "versions 1 and 2"]),
        ("conf_ops", "hello", ["ops: got \"gradients\", expected an array of a string"]),
        ("conf_trainable", "build", ["params[0].trainable: got \"yes\", expected true or false"]),
        ("conf_param_order", "build", ["announced the parameters", "0.bias", "0.weight"]),
        ("conf_data_string", "get_params", ["data[0]: got \"half\", expected a number"]),
        ("conf_loss", "loss", ["loss: got \"low\", expected a number"]),
        ("conf_grads", "gradients", ["grads", "expected exactly"]),
        ("wrong_shape", "forward", ["'y' of shape [4, 4]; expected [4, 3]"]),
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
    }
}
