import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchModel
import Testing

/// A program that has already failed (exited on an earlier request) declines nothing: the checks
/// that build models of their own (known-answers, ablation) report it as an error, not as a model
/// they were refused (trial 3: "the model declined dense(1) with mse" from a dead program).
@Suite("a dead program is not a refusal")
struct DeadProgramTests {
    @Test func buildsNeverSentAreErrorsNotRefusals() {
        let showcase = Showcase.all.first { $0.architecture.hasPrefix("dense") && $0.architecture.contains("tanh") } ?? Showcase.all[0]
        let results = showcase.run(on: DeadModel(), only: ["known-answers", "ablation"])
        #expect(!results.isEmpty)
        for result in results {
            #expect(result.status == .error, "\(result.check): \(result.status) \(result.diagnosis ?? "")")
            #expect(result.diagnosis?.contains("declined") != true, "\(result.check): \(result.diagnosis ?? "")")
            #expect(result.diagnosis?.contains("the program failed earlier") == true, "\(result.check): \(result.diagnosis ?? "")")
        }
    }
}

/// The engine's hello, then every request unsent: the program failed at an earlier 'forward'.
private final class DeadModel: CheckableModel {
    func hello() throws(ModelError) -> ModelInfo { try EngineModel<Double>().hello() }
    func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) { throw .notRun(.initialState, failedAt: "forward") }
    func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] { throw .notRun(.build, failedAt: "forward") }
    func parameters() throws(ModelError) -> [String: Tensor<Double>] { throw .notRun(.getParams, failedAt: "forward") }
    func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) { throw .notRun(.setParams, failedAt: "forward") }
    func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult { throw .notRun(.forward, failedAt: "forward") }
    func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double { throw .notRun(.loss, failedAt: "forward") }
    func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        throw .notRun(.gradients, failedAt: "forward")
    }
    func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        throw .notRun(.step, failedAt: "forward")
    }
}
