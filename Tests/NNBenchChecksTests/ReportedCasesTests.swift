import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import Testing

/// The false alarms users met, each now silent on the correct engine (issue 11's list): each runs
/// the whole battery, as `nnbench check` does, and every check must pass or be skipped.
@Suite("reported false alarms")
struct ReportedCasesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let architecture: String
        let task: String
        var parameters: [String: String] = [:]
        var seed: UInt64 = 0
        var precision = Precision.float32
        var only: Set<String>?
        var testDescription: String { "\(architecture) on \(task), seed \(seed), \(precision)" }
    }

    static let cases: [Case] = [
        // float32 rounding against a fixed gradient bound: 0.143 against 0.03.
        Case(architecture: "dense(100) relu dense(3)", task: "spirals"),
        // The input (0, 0) puts relus exactly at their kink.
        Case(architecture: "dense(16) relu dense(1)", task: "xor"),
        // Capacity, not a bug: a linear model cannot fit xor, logistic's noise, or memorize.
        Case(architecture: "dense(1)", task: "xor"),
        Case(architecture: "dense(1)", task: "logistic"),
        Case(architecture: "dense(2)", task: "memorize"),
        // Dropout's noise slows the fit of one batch.
        Case(architecture: "dense(16) relu dropout(0.5) dense(3)", task: "spirals", seed: 2, precision: .float64, only: ["overfit"]),
        // float32 through overlapping max pooling: 0.039 against 0.03 while the reference check passed.
        Case(architecture: "conv2d(2, kernel: 3) relu maxpool2d(3, stride: 1) flatten dense(1)", task: "bars-stripes"),
        // The 50-seed self-test's false alarms. A relu 2.3e-4 from its kink along 2.weight[10,1]
        // forced a step of 1e-4, where the float32 loss's rounding (±6e-8) was estimated at 1.1e-8.
        Case(architecture: "dense(16) relu dense(16) relu dense(1)", task: "moons", seed: 46, only: ["gradient"]),
        // The initial loss's heavy tail over initialisations: 8.5 standard deviations from the mean.
        Case(architecture: "dense(16) tanh dense(1)", task: "parity", seed: 38, only: ["init"]),
        // Token indices are not perturbed or scaled: input-gradient and numerics failed on them.
        Case(architecture: "embedding(2, 3) gru(4, sequence: false) dense(1)", task: "parity"),
        // A fit that takes many steps ends where the rounding takes it: float32 reached 0.139
        // where the Double reference reached 0.035 (seed 2), at seed 17 missed the target the
        // reference met at step 1150, and a relu rnn missed one met at step 525; each within half
        // the reference's gain.
        Case(architecture: "embedding(10, 3) lstm(9) dense(9)", task: "copy-memory", parameters: ["length": "6"], seed: 2, only: ["overfit"]),
        Case(architecture: "embedding(10, 3) lstm(9) dense(9)", task: "copy-memory", parameters: ["length": "6"], seed: 17, only: ["overfit"]),
        Case(architecture: "embedding(8, 2) rnn(3, nonlinearity: relu, bias: false, sequence: false) dense(4)", task: "temporal-order",
             parameters: ["length": "10"], seed: 4, only: ["overfit"]),
        // A relu rnn returning its last step: central differences crossed its kinks at earlier
        // steps, which the last step's output did not show (issue 15: adding T = 50 seed 4 at
        // 3.837, counting T = 30 at 1.887; here T = 8 at 2.151 and 18.8 before the fix).
        Case(architecture: "rnn(8, nonlinearity: relu, sequence: false) dense(1)", task: "counting", parameters: ["length": "8"], only: ["gradient"]),
        Case(
            architecture: "rnn(16, nonlinearity: relu, sequence: false) dense(1)", task: "adding", parameters: ["length": "8"], seed: 4,
            only: ["gradient"]),
        // A relu rnn explodes under sgd(lr: 0.1): the reference's own step 3 had the loss 3.7e52,
        // beyond float32, and the check blamed the labels (issue 15, finding 1; the shortest T).
        Case(architecture: "rnn(8, nonlinearity: relu, sequence: false) dense(1)", task: "counting", parameters: ["length": "15"], only: ["reference"]),
    ]

    @Test(arguments: cases)
    func silentOnTheCorrectEngine(_ reported: Case) throws {
        let task = try #require(TaskCatalogue.all.first { $0.name == reported.task }).makeTask(reported.parameters)
        let model: any CheckableModel = reported.precision == .float32 ? EngineModel<Float>() : EngineModel<Double>()
        let results = CheckBattery.run(
            model: model, architecture: try ArchitectureSpec(parsing: reported.architecture), task: task, seed: reported.seed,
            only: reported.only)
        #expect(!results.isEmpty)
        for result in results {
            #expect(result.status == .passed || result.status == .skipped, "\(result.check): \(result.figure) — \(result.diagnosis ?? "")")
        }
    }

    /// Issue 15 over the protocol, where the engine's hidden states are out of reach: the model
    /// shows a relu rnn's every step itself, built with `sequence: true` (numpy float32 failed
    /// counting T = 30 at 3.198, and T = 8 at 7.659, before). The same route still catches
    /// backpropagation through time cut to one step.
    @Test("a relu rnn's hidden kinks over the protocol", arguments: [nil, Fault.bpttTruncatedToOneStep])
    func reluRNNKinksOverTheProtocol(_ fault: Fault?) throws {
        let task = try #require(TaskCatalogue.all.first { $0.name == "counting" }).makeTask(["length": "8"])
        let results = CheckBattery.run(
            model: ProgramStandIn(EngineModel<Float>(fault: fault)),
            architecture: try ArchitectureSpec(parsing: "rnn(8, nonlinearity: relu, sequence: false) dense(1)"), task: task, seed: 0,
            only: ["gradient"])
        let result = try #require(results.first)
        #expect(result.status == (fault == nil ? .passed : .failed), "\(result.figure) — \(result.diagnosis ?? "")")
    }

    @Test("the strided showcase's initial loss at seed 24: 2.4× the median, 11.8 standard deviations from the mean")
    func heavyTailedInitialLoss() {
        let strided = Showcase.all.first { $0.name == "strided" }!
        let results = strided.run(precision: .float32, seed: 24, only: ["init"])
        #expect(results.map(\.status) == [.passed], "\(results.map { $0.diagnosis ?? $0.figure })")
    }
}

/// What a new user met with zero and constant initialisations: the cause the check names, and no
/// figure that is not a number.
@Suite("degenerate initialisations")
struct DegenerateInitialisationTests {
    @Test("zero and constant weights are named as such, not as an ignored seed", arguments: [Fault.initZeros, .initConstant])
    func namedAsDegenerate(fault: Fault) throws {
        let mlp = Showcase.all.first { $0.name == "mlp" }!
        let results = mlp.run(precision: .float32, fault: fault, only: ["init", "health"])
        let initialisation = try #require(results.first { $0.check == "init" })
        #expect(initialisation.status == .failed)
        #expect(!(initialisation.diagnosis ?? "").contains("seed is ignored"), "\(initialisation.diagnosis ?? "")")
        #expect((initialisation.diagnosis ?? "").contains(fault == .initZeros ? "all zeros" : "identical weights"), "\(initialisation.diagnosis ?? "")")
        let health = try #require(results.first { $0.check == "health" })
        #expect(!health.figure.lowercased().contains("nan"), "\(health.figure)")
    }
}

/// The engine as a program over the protocol sees it: the same answers, but not the engine's own
/// hidden states of the steps a layer does not return.
private final class ProgramStandIn: CheckableModel {
    let inner: EngineModel<Float>
    init(_ inner: EngineModel<Float>) { self.inner = inner }

    func hello() throws(ModelError) -> ModelInfo { try inner.hello() }
    func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] { try inner.build(model, loss: loss, seed: seed) }
    func parameters() throws(ModelError) -> [String: Tensor<Double>] { try inner.parameters() }
    func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) { try inner.setParameters(values) }
    func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) { try inner.setInitialStates(states) }
    func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
        try inner.forward(inputs, training: training, trace: trace)
    }
    func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double { try inner.loss(inputs: inputs, targets: targets) }
    func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        try inner.gradients(inputs: inputs, targets: targets, training: training, trace: trace)
    }
    func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        try inner.step(inputs: inputs, targets: targets, optimizer: optimizer, training: training, trace: trace)
    }
}
