@testable import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel
import Testing

/// Checks through time: which step's gradient or output is off, named where the data shows it.
@Suite("recurrent checks")
struct RecurrentCheckTests {
    /// Truncated backpropagation through time on `rnn(6, sequence: false)`: the input gradient of
    /// the last step is right (its output gradient alone reaches it), every earlier step's is not,
    /// and the diagnosis says so.
    @Test func inputGradientNamesTheStepsThatAreOff() {
        let showcase = Showcase.showcase(for: .bpttTruncatedToOneStep)
        let result = showcase.run(precision: .float64, fault: .bpttTruncatedToOneStep, only: ["input-gradient"])[0]
        #expect(result.status == .failed)
        #expect(result.location == .layers([LayerLocation(index: 1, type: "rnn")]))
        #expect(result.diagnosis?.contains("off at steps 0, 1, 2 of 4 (from 0), right at step 3") == true, "\(result.diagnosis ?? "")")
        // The correct engine: no step sentence, no failure.
        #expect(showcase.run(precision: .float64, only: ["input-gradient"])[0].status == .passed)
    }

    /// The first step at which a sequence output leaves the reference's bound, from 0; nothing for
    /// outputs that are not sequences or that agree.
    @Test func referenceNamesTheFirstDifferingStep() {
        let comparison = ReferenceCheck.Comparison(tolerance: 1e-10)
        let expected = Tensor<Double>(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
        var value = expected
        #expect(comparison.firstStep(value, expected) == "")
        value.scalars[11] += 1e-3  // sample 1, step 2
        value.scalars[3] += 1e-3  // sample 0, step 1
        #expect(comparison.firstStep(value, expected) == "; first at step 1 of 3 (from 0)")
        let flat = Tensor<Double>(shape: [2, 6], scalars: expected.scalars)
        #expect(comparison.firstStep(Tensor(shape: [2, 6], scalars: value.scalars), flat) == "")
    }

    /// The init check compares the blocks a spec sets: forget_bias in both biases is caught there
    /// and placed in the initialisation; the correct engine holds the blocks exactly.
    @Test func forgetBiasBlocksAreCompared() {
        let showcase = Showcase.showcase(for: .lstmForgetBiasInBothBiases)
        let wrong = showcase.run(precision: .float32, fault: .lstmForgetBiasInBothBiases, only: ["init"])[0]
        #expect(wrong.status == .failed && wrong.location == .initialisation)
        #expect(wrong.diagnosis?.contains("1.bias_hh") == true && wrong.figure == "1.bias_hh[6] = 1", "\(wrong.figure) \(wrong.diagnosis ?? "")")
        #expect(showcase.run(precision: .float32, only: ["init"])[0].status == .passed)
    }

    /// The GRU's layout bugs are consistent functions: only `reference` sees them, at the GRU,
    /// and names the GRU's own ways of differing first; the correct engine passes.
    @Test(arguments: [Fault.gruResetUpdateGatesSwapped, .gruUpdateGateReversed])
    func gruLayoutBugsAreFoundAtTheGRUWithItsCauses(fault: Fault) {
        let showcase = Showcase.showcase(for: fault)
        #expect(showcase.name == "gru")
        let wrong = showcase.run(precision: .float32, fault: fault, only: ["reference"])[0]
        #expect(wrong.status == .failed && wrong.location == .layers([LayerLocation(index: 1, type: "gru")]), "\(wrong.figure)")
        #expect(wrong.likelyCauses.first == "the gates stacked in another order than PyTorch's r, z, n", "\(wrong.likelyCauses)")
        #expect(wrong.likelyCauses.contains { $0.contains("h_t = z·n + (1 − z)·h_{t−1}") })
        #expect(showcase.run(precision: .float32, only: ["reference"])[0].status == .passed)
    }

    /// The gradient check through time (every step in the loss, nonzero biases and h_0) catches
    /// the first step's missing `dW_hh` term, which the last-step comparison from `h_0 = 0`
    /// passes, and places it in the rnn; the correct engine passes, d loss / d h_0 compared.
    @Test(arguments: [Precision.float32, .float64])
    func gradientThroughTimeCatchesWhatTheLastStepHides(precision: Precision) {
        let showcase = Showcase.showcase(for: .rnnWeightHHGradientSkipsFirstStep)
        let result = showcase.run(precision: precision, fault: .rnnWeightHHGradientSkipsFirstStep, only: ["gradient"])[0]
        #expect(result.status == .failed)
        #expect(result.diagnosis?.hasPrefix("through time: worst at layer 1 (rnn(6)) 1.weight_hh") == true, "\(result.diagnosis ?? "")")
        #expect(result.notes.contains { $0.hasPrefix("the last-step comparison passed") })
        #expect(result.location == .layers([LayerLocation(index: 1, type: "rnn")]))
        // The last step passed: the causes are the first step's and h_0's, not a layer above.
        #expect(result.likelyCauses.first == "layer 1 (rnn): dW_hh misses the first step's h_0 term (the sum over steps starts at the second)",
                "\(result.likelyCauses)")
        #expect(!result.likelyCauses.contains { $0.contains("layer above") || $0.contains("activation derivative") }, "\(result.likelyCauses)")
        // Its per-tensor figures are the probe's, and named so.
        #expect(result.measurements?.isEmpty == false && result.measurements?.allSatisfy { $0.name.hasSuffix(" (through time)") } == true)
        let correct = showcase.run(precision: precision, only: ["gradient"])[0]
        #expect(correct.status == .passed)
        #expect(correct.notes.contains { $0.contains("random nonzero initial states") })
        #expect(correct.measurements?.contains { $0.name == "1.h_0 (through time)" } == true)
        #expect(correct.measurements?.contains { $0.name == "1.weight_hh (through time)" } == true)
    }

    /// The health check's note on a `sequence: false` layer gives ρ = ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖
    /// with the verdict and band the training diagnoses use (one reading of ρ, not two).
    @Test func healthNotesTheGradientThroughTimeWithTheDiagnosesVerdict() throws {
        let showcase = try #require(Showcase.recurrent.first { $0.name == "gru" })
        let result = showcase.run(precision: .float32, only: ["health"])[0]
        let note = try #require(result.notes.first { $0.hasPrefix("gradient through time at the last step, layer ") && $0.contains("(gru(6, sequence: false))") }, "\(result.notes)")
        let band = TrainingDiagnoses.timeStepBand(unitRoundoff: 0x1p-24)
        #expect(note.hasSuffix("(healthy band [\(short(band.lowerBound)), \(short(band.upperBound))])"), "\(note)")
        let ratio = try #require(Double(note.split(separator: " = ").last?.split(separator: ",").first ?? ""))
        #expect(note.contains(", \(TrainingDiagnoses.timeStepVerdict(ratio: ratio, band: band)) ("), "\(note)")
    }

    /// A hidden dense layer on a sequence is no layer the ablation can rebuild on xor's two real
    /// inputs: it skips, in both the engine and over the protocol, where it used to crash on a
    /// `try!` (engine) or send a target of the wrong shape (protocol).
    @Test func ablationSkipsSequenceArchitectures() throws {
        let task = try Generators.copyMemory(length: 4)
        let showcase = Showcase(name: "per-step", architecture: "embedding(10, 3) gru(5) dense(4) relu dense(9)") { task }
        let result = try #require(showcase.run(precision: .float64, only: ["ablation"]).first)
        #expect(result.status == .skipped, "\(result)")
        #expect(result.diagnosis?.contains("no embedding, no recurrent layer") == true, "\(result)")
    }

    /// A relu rnn's kinks are inside the layer (h_t = relu(a_t)): its kink pattern reads them off
    /// its output, so a central difference across one is shortened or skipped instead of failing
    /// a correct layer. A new user's float32 case failed `input-gradient` at load 21.6 (layer 0,
    /// step 4) before; now it passes.
    @Test func reluRNNKinksAreNotFailures() throws {
        let task = try Generators.counting(length: 6)
        let showcase = Showcase(name: "relu-rnn", architecture: "rnn(5, nonlinearity: relu) lstm(3, sequence: false) dense(1)") { task }
        let result = try #require(showcase.run(precision: .float32, only: ["input-gradient"]).first)
        #expect(result.status == .passed, "\(result)")
    }

    /// A model that does not take initial states is checked through time from h_0 = 0, and the
    /// note says so: the first-step bug then goes unseen, which is what `initial_state` is for.
    @Test func gradientThroughTimeFallsBackToZeroStates() {
        let showcase = Showcase.showcase(for: .rnnWeightHHGradientSkipsFirstStep)
        let result = showcase.run(on: InitialStateStandIn(EngineModel<Double>(fault: .rnnWeightHHGradientSkipsFirstStep)), only: ["gradient"])[0]
        #expect(result.status == .passed)
        #expect(result.notes.contains { $0.contains("h_0 = 0 (the model does not take 'initial_state')") }, "\(result.notes)")
    }

    /// The reference check compares every step of a `sequence: false` layer, from nonzero initial
    /// states: a model that announces `initial_state` but starts from zeros whatever it is given
    /// passes the last-step comparison from zeros, and fails here at layer 1, step 0. The correct
    /// engine passes and says what was compared.
    @Test func referenceComparesEveryStepFromNonzeroStates() {
        let showcase = Showcase.recurrent.first { $0.name == "lstm" }!
        let ignoring = showcase.run(on: InitialStateStandIn(EngineModel<Double>(), announces: true), only: ["reference"])[0]
        #expect(ignoring.status == .failed)
        #expect(ignoring.location == .layers([LayerLocation(index: 1, type: "lstm")]))
        #expect(ignoring.diagnosis?.hasPrefix("every step from random nonzero initial states: first differing layer: layer 1") == true, "\(ignoring.diagnosis ?? "")")
        #expect(ignoring.diagnosis?.hasSuffix("first at step 0 of 4 (from 0)") == true, "\(ignoring.diagnosis ?? "")")
        #expect(ignoring.notes.contains("the last-step comparison passed"))
        // Step 0 from nonzero states: the states were ignored; no cause names a layer type the network lacks.
        #expect(ignoring.likelyCauses.first == "the forward pass ignores initial_state (starts from zeros)", "\(ignoring.likelyCauses)")
        #expect(!ignoring.likelyCauses.contains { $0.contains("convolution") || $0.contains("dropout") || $0.contains("batchnorm") },
                "\(ignoring.likelyCauses)")
        let correct = showcase.run(precision: .float32, only: ["reference"])[0]
        #expect(correct.status == .passed)
        #expect(correct.notes.contains { $0.hasPrefix("every step of every recurrent layer compared") && $0.hasSuffix("from random nonzero initial states") })
    }

    /// A model that takes initial states but answers d loss / d h_0 = 0: the worst tensor through
    /// time is `1.h_0`, and the causes say the initial-state gradient is wrong.
    @Test func zeroInitialStateGradientIsNamed() {
        let showcase = Showcase.recurrent.first { $0.name == "lstm" }!
        let result = showcase.run(on: InitialStateStandIn(EngineModel<Double>(), announces: true, zeroesStateGradients: true), only: ["gradient"])[0]
        #expect(result.status == .failed)
        #expect(result.diagnosis?.contains(".h_0") == true || result.diagnosis?.contains(".c_0") == true, "\(result.diagnosis ?? "")")
        #expect(result.likelyCauses.first?.hasPrefix("layer 1 (lstm): the initial-state gradient 1.") == true, "\(result.likelyCauses)")
        #expect(result.likelyCauses.contains("the loss ignores initial_state (it starts from zeros where the forward pass does not)"))
    }
}

/// The engine as a program that starts its recurrent layers from zeros whatever it is given:
/// without announcing `initial_state` (a program written before it), or announcing it and then
/// ignoring the states (a program with that bug); or, with `zeroesStateGradients`, taking them
/// and answering d loss / d h_0 (and c_0) = 0.
private final class InitialStateStandIn: CheckableModel {
    let inner: EngineModel<Double>
    let announces: Bool
    let zeroesStateGradients: Bool
    init(_ inner: EngineModel<Double>, announces: Bool = false, zeroesStateGradients: Bool = false) {
        (self.inner, self.announces, self.zeroesStateGradients) = (inner, announces, zeroesStateGradients)
    }

    func hello() throws(ModelError) -> ModelInfo {
        var info = try inner.hello()
        if !announces { info.ops.remove(.initialState) }
        return info
    }
    func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) {
        if !announces, states != nil { throw .unsupported(.initialState) }
        if zeroesStateGradients { try inner.setInitialStates(states) }
    }
    func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] { try inner.build(model, loss: loss, seed: seed) }
    func parameters() throws(ModelError) -> [String: Tensor<Double>] { try inner.parameters() }
    func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) { try inner.setParameters(values) }
    func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
        try inner.forward(inputs, training: training, trace: trace)
    }
    func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double { try inner.loss(inputs: inputs, targets: targets) }
    func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        var result = try inner.gradients(inputs: inputs, targets: targets, training: training, trace: trace)
        if zeroesStateGradients {
            result.initialStateGradients = result.initialStateGradients.mapValues { state in
                func zero(_ tensor: Tensor<Double>) -> Tensor<Double> { Tensor(shape: tensor.shape, scalars: Array(repeating: 0, count: tensor.scalars.count)) }
                return RecurrentState(hidden: zero(state.hidden), cell: state.cell.map(zero))
            }
        }
        return result
    }
    func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        try inner.step(inputs: inputs, targets: targets, optimizer: optimizer, training: training, trace: trace)
    }
}
