import NNBenchChecks
import Testing
import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The checks talk to any implementation through ``CheckableModel``: missing ops skip the checks
/// that need them, with the reason, and errors are reported as values.
@Suite("model interface")
struct ModelInterfaceTests {
    /// The engine, offering only the required ops, or failing every forward.
    final class LimitedModel: CheckableModel {
        let engine = EngineModel<Double>()
        let failsForward: Bool
        init(failsForward: Bool = false) { self.failsForward = failsForward }

        func hello() throws(ModelError) -> ModelInfo {
            ModelInfo(name: "limited", precision: .float64, ops: [.hello, .build, .getParams, .setParams, .forward, .loss])
        }
        func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] {
            try engine.build(model, loss: loss, seed: seed)
        }
        func parameters() throws(ModelError) -> [String: Tensor<Double>] { try engine.parameters() }
        func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) { try engine.setParameters(values) }
        func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
            if failsForward { throw .failed(.forward, "out of memory") }
            if trace { throw .unsupported(.trace) }
            return try engine.forward(inputs, training: training, trace: false)
        }
        func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
            try engine.loss(inputs: inputs, targets: targets)
        }
    }

    static let showcase = Showcase.all.first { $0.name == "mlp" }!

    func run(_ model: any CheckableModel) -> [CheckResult] {
        CheckBattery.run(
            model: model, architecture: try! ArchitectureSpec(parsing: Self.showcase.architecture),
            task: Self.showcase.makeTask(), seed: 0)
    }

    @Test func checksNeedingMissingOpsAreSkippedWithTheReason() {
        let results = run(LimitedModel())
        let skipped = Set(results.filter { $0.status == .skipped }.map(\.check))
        #expect(skipped == ["gradient", "input-gradient", "update", "health", "overfit", "known-answers", "ablation", "input-baseline"])
        #expect(results.first { $0.check == "gradient" }?.diagnosis == "needs the op 'gradients', which the model does not offer")
        #expect(results.allSatisfy { $0.status != .failed && $0.status != .error })
        #expect(results.first { $0.check == "reference" }?.notes.contains("no trace: compared the network's output only") == true)
    }

    @Test func modelErrorsAreReportedNotCrashes() {
        let results = run(LimitedModel(failsForward: true))
        let forwardUsers = results.filter { $0.check == "batch" || $0.check == "modes" || $0.check == "reference" }
        #expect(forwardUsers.count == 3 && forwardUsers.allSatisfy { $0.status == .error })
        #expect(forwardUsers.allSatisfy { $0.diagnosis?.contains("'forward' failed: out of memory") == true })
    }

    @Test func theEngineAdapterRefusesWrongShapesAsValues() throws {
        let model = EngineModel<Float>()
        _ = try model.build(ModelSpec(inputShape: [2], architecture: ArchitectureSpec(parsing: "dense(1)")), loss: .mse, seed: 0)
        #expect(throws: ModelError.self) { try model.forward(Tensor(zeros: [1, 3]), training: false, trace: false) }
        #expect(throws: ModelError.self) { try model.setParameters(["0.weight": Tensor(zeros: [2, 1])]) }
    }
}
