import Foundation
@testable import NNBenchProtocol
import NNBenchEngine
import NNBenchModel
import Testing

/// The op `initial_state` over the protocol: conformance drives it, and each way of breaking
/// `initial_state_grads` is reported as what it is, with advice that fits it. The program is the
/// numpy client behind a proxy that breaks one thing (Fixtures/initial_state_proxy.py).
@Suite("initial_state over the protocol")
struct InitialStateProtocolTests {
    static let proxy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/initial_state_proxy.py").path
    static let enabled = ProtocolFailureTests.hasPython

    static func command(_ mode: String) -> String { "exec python3 \(proxy) \(mode)" }

    @Test("conformance drives initial_state: the unbroken client conforms through it", .enabled(if: enabled, "needs python3"))
    func conformanceDrivesInitialState() {
        let result = ProtocolConformance.run(command: Self.command("none"), timeout: 30, log: nil)
        #expect(result.conforms, "\(result.steps) \(result.violations) \(result.failure ?? "")")
        for name in ["build (recurrent, for initial_state)", "forward (initial_state)", "loss (initial_state)", "gradients (initial_state)"] {
            #expect(result.steps.first { $0.name == name }?.outcome == "conforms", "\(name): \(result.steps)")
        }
    }

    /// The false pass of trial 3: the program lists initial_state and answers no initial_state_grads.
    @Test("conformance: a program without initial_state_grads does not conform", .enabled(if: enabled, "needs python3"))
    func conformanceCatchesMissingGradients() {
        let result = ProtocolConformance.run(command: Self.command("missing-isg"), timeout: 30, log: nil)
        #expect(!result.conforms)
        #expect(result.steps.first { $0.name == "gradients (initial_state)" }?.outcome == "breaks the protocol", "\(result.steps)")
        #expect(result.violations.contains { $0.what.contains("no 'initial_state_grads'") }, "\(result.violations)")
    }

    /// An rnn of 3 units over 2 steps of 2 features, and nonzero initial states.
    static func drive(_ mode: String, lstm: Bool = false) throws -> (ProtocolModel, ModelError?) {
        let model = ProtocolModel(command: command(mode), timeout: 30, grace: 0.3, maxLineBytes: 1 << 22, log: nil)
        _ = try model.hello()
        let layer: LayerSpec = lstm ? .lstm(units: 3, sequence: false) : .rnn(units: 3, sequence: false)
        _ = try model.build(ModelSpec(inputShape: [2, 2], architecture: ArchitectureSpec([layer])), loss: .mse, seed: 1)
        let state = Tensor<Double>(shape: [2, 3], scalars: [0.1, -0.2, 0.3, -0.4, 0.5, -0.6])
        try model.setInitialStates([0: RecurrentState(hidden: state, cell: lstm ? state : nil)])
        let x = Tensor<Double>(shape: [2, 2, 2], scalars: [0.5, -1, 0.25, 1, -0.5, 0.75, 0, 1])
        let y = Tensor<Double>(shape: [2, 3], scalars: [0, 1, 0, 1, 0, 1])
        do { _ = try model.gradients(inputs: x, targets: y, training: false, trace: false) } catch { return (model, error) }
        return (model, nil)
    }

    @Test("each broken initial_state_grads is reported as what it is", .enabled(if: enabled, "needs python3"), arguments: [
        ("missing-isg", false, ["no 'initial_state_grads'", "drop \"initial_state\" from hello's ops"]),
        ("not-object", false, ["'initial_state_grads' = an array of 3, not an object", "not an object", "drop \"initial_state\""]),
        ("drop-c", true, ["without 'initial_state_grads.0.c'", "an lstm"]),
        ("torch-layout", false, ["of shape [1, 2, 3]; expected [2, 3]", "drop the layer axis", "h0[0]"]),
        ("extra-layer", false, ["'initial_state_grads.99', a layer whose initial state the request did not carry"]),
        ("reject-state", false, ["ok: false", "the request carried initial_state", "removes \"initial_state\" from hello's ops"]),
        ("crash-on-state", false, ["instead of answering a request carrying initial_state", "removes \"initial_state\" from hello's ops"]),
    ])
    func brokenGradientsAreNamed(mode: String, lstm: Bool, fragments: [String]) throws {
        let (model, error) = try Self.drive(mode, lstm: lstm)
        let thrown = try #require(error, "mode \(mode) passed")
        let text = "\(thrown)\n\(model.failure ?? "")"
        for fragment in fragments {
            #expect(text.contains(fragment), "\(mode) lacks '\(fragment)':\n\(text)")
        }
        #expect(!text.contains("write tensors as"), "\(mode): \(text)")
        model.shutdown()
    }
}
