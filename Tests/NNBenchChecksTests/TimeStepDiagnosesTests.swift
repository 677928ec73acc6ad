import Foundation
import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import Testing

/// The gradient through time (`‖∂L/∂h_t‖` per step) in a run's record, and its verdict: vanishing
/// below the unit roundoff `u`, exploding above `1/u` (docs/diagnoses.md derives the band).
@Suite("Gradient through time")
struct TimeStepDiagnosesTests {
    /// `adding` with `length` steps and 64 training samples: milliseconds an epoch in a debug build.
    static func adding(length: Int) throws -> LearningTask {
        try TaskDefinition.adding.makeTask(["length": String(length), "n": "64", "n-valid": "16", "n-test": "16"])
    }

    /// Trains `architecture` on `task` as `train` does when diagnosing, after `prepare`.
    static func run(
        _ architecture: String, on task: LearningTask, epochs: Int = 3, optimizer: OptimizerSpec = .adam(learningRate: 1e-3), observation: TrainingObservation? = TrainingObservation(measures: false, unitStatistics: true),
        prepare: (Network<Float>) throws -> Void = { _ in }
    ) throws -> TrainingRecord {
        let run = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: architecture),
            configuration: TrainingConfiguration(optimizer: optimizer, epochs: epochs, batchSize: 32, seed: 0, observation: observation))
        try prepare(run.network)
        return run.run()
    }

    /// The record holds one profile per recurrent layer, T norms at each end, from the first step
    /// and the last; an unobserved run has none, and the record without observations neither,
    /// so the baselines' records are unchanged.
    @Test func theRecordHoldsTheNormsAtBothEnds() throws {
        let task = try Self.adding(length: 12)
        let record = try Self.run("rnn(8) gru(6, sequence: false) dense(1)", on: task)
        let profiles = try #require(record.timeStepGradients)
        #expect(profiles.map(\.layer) == [0, 1] && profiles.map(\.returnsSequence) == [true, false])
        #expect(profiles.allSatisfy { $0.initial.count == 12 && $0.final.count == 12 && $0.finalEpoch == 3 && $0.finalStep == 2 })
        #expect(profiles.allSatisfy { $0.initial != $0.final && $0.unitRoundoff == 0x1p-24 })
        #expect(profiles[1].spec == "gru(6, sequence: false)")
        #expect(record.withoutObservations.timeStepGradients == nil)
        let unobserved = try Self.run("rnn(8) gru(6, sequence: false) dense(1)", on: task, observation: nil)
        #expect(unobserved.timeStepGradients == nil)
        #expect(unobserved.epochs.map(\.train) == record.epochs.map(\.train), "reading the norms changes no number of the run")
    }

    /// A plain tanh rnn over 200 steps: each step multiplies the gradient by `W_hhᵀ·diag(1 − h²)`,
    /// whose norm is below 1 at PyTorch's initialisation (entries U(±1/√8)): the gradient reaching
    /// h_0 is far below `u = 2⁻²⁴` of the one reaching h_199 (Bengio et al. 1994). Over 12 steps
    /// the same layer keeps well inside the band.
    @Test func aPlainRNNVanishesOverALongSequenceOnly() throws {
        let long = try Self.run("rnn(8, sequence: false) dense(1)", on: try Self.adding(length: 200))
        let found = TrainingDiagnoses.diagnose(long).filter { $0.name.hasSuffix("-through-time") }
        let vanishing = try #require(found.first, "no diagnosis through time")
        #expect(found.count == 1 && vanishing.name == "vanishing-through-time" && vanishing.subject == "layer 0 (rnn(8, sequence: false))")
        #expect(vanishing.value < 0x1p-24 && vanishing.message.contains("lstm or gru"), "\(vanishing.message)")
        #expect(TrainingDiagnoses.timeStepVerdict(long.timeStepGradients![0], outcome: long.outcome).verdict == "vanishing through time")

        let short = try Self.run("rnn(8, sequence: false) dense(1)", on: try Self.adding(length: 12))
        #expect(TrainingDiagnoses.diagnose(short).allSatisfy { !$0.name.hasSuffix("-through-time") })
        let verdict = TrainingDiagnoses.timeStepVerdict(short.timeStepGradients![0], outcome: short.outcome)
        #expect(verdict.verdict == "healthy" && verdict.finalRatio! > 0x1p-24, "\(verdict)")
    }

    /// A relu rnn whose recurrent weight is 2·I on positive inputs doubles the gradient at every
    /// step back: over 40 steps `2³⁹ ≈ 5.5e11`, above `1/u ≈ 1.7e7` (Pascanu et al. 2013). Adam's
    /// steps of 1e-3 leave the weight near 2·I over the run's two steps.
    @Test func aRecurrentWeightOfTwiceTheIdentityExplodes() throws {
        let task = try TaskDefinition.adding.makeTask(["length": "40", "n": "64", "n-valid": "16", "n-test": "16"])
        let record = try Self.run("rnn(4, nonlinearity: relu, sequence: false) dense(1)", on: task, epochs: 1) { network in
            let identity = (0..<16).map { $0 % 5 == 0 ? Float(2) : 0 }
            try network.setParameters([
                "0.weight_hh": Tensor(shape: [4, 4], scalars: identity), "0.weight_ih": Tensor(shape: [4, 2], scalars: Array(repeating: 0.5, count: 8)),
                "0.bias_ih": Tensor(shape: [4], scalars: [0, 0, 0, 0]), "0.bias_hh": Tensor(shape: [4], scalars: [0, 0, 0, 0]),
            ])
        }
        let exploding = try #require(
            TrainingDiagnoses.diagnose(record).first { $0.name == "exploding-through-time" },
            "\(record.outcome) \(record.timeStepGradients.map { $0.map { [$0.initial.first!, $0.initial.last!, $0.final.first!, $0.final.last!] } } ?? [])")
        #expect(exploding.value > 0x1p24 && exploding.message.contains("clip"), "\(exploding.message)")
    }

    /// A layer that returns every step gets no verdict: each h_t also hears its own output, which
    /// hides the decay through time. The measured figure of a last-step layer is exactly the
    /// ratio of its last norms, with the margin in decades inside `[u, 1/u]`.
    @Test func aSequenceLayerGetsNoVerdict() throws {
        var record = try Self.run("rnn(8) rnn(4, sequence: false) dense(1)", on: try Self.adding(length: 6))
        record.timeStepGradients![0].final = [1e-30, 1]
        record.timeStepGradients![1].final = [1e-3, 1]
        let measured = TrainingDiagnoses.measure(record).filter { $0.rule.hasSuffix("-through-time") }
        #expect(measured.count == 1 && measured[0].subject == "layer 1 (rnn(4, sequence: false))")
        #expect(measured[0].value == 1e-3 && abs(measured[0].margin - log10(1e-3 / 0x1p-24)) < 1e-12 && measured[0].diagnosis == nil)
        #expect(TrainingDiagnoses.timeStepVerdict(record.timeStepGradients![0], outcome: record.outcome).verdict == nil)
        record.timeStepGradients![1].final = [1e-8, 1]
        #expect(TrainingDiagnoses.diagnose(record).contains { $0.name == "vanishing-through-time" })
    }

    /// A ratio of exactly 0 is no gradient at all reaching the first steps, not one rounded away:
    /// the message says so and names the steps, and still diagnoses vanishing (−∞ decades inside).
    @Test func aRatioOfZeroIsNoGradientNotARoundedOne() throws {
        var record = try Self.run("rnn(4, sequence: false) dense(1)", on: try Self.adding(length: 6))
        record.timeStepGradients![0].final = [0, 0, 0, 1e-30, 1e-3, 1]
        let found = try #require(TrainingDiagnoses.diagnose(record).first { $0.name == "vanishing-through-time" })
        #expect(found.value == 0 && found.message.contains("no gradient reaches h_0 to h_2 at all"), "\(found.message)")
        #expect(found.message.contains("exactly 0") && !found.message.contains("rounded away"), "\(found.message)")
        record.timeStepGradients![0].final = [1e-30, 1e-3, 1, 1, 1, 1]
        let small = try #require(TrainingDiagnoses.diagnose(record).first { $0.name == "vanishing-through-time" })
        #expect(small.message.contains("rounded away") && !small.message.contains("exactly 0"), "\(small.message)")
    }

    /// A layer that explodes at initialisation and ends with no gradient reaching h_0 (relu units
    /// the explosion drove dead) is told as both, the explosion first; one that explodes at both
    /// ends is told once, and one that vanishes at initialisation (gates do) not at all.
    @Test func anExplosionAtInitialisationIsToldApart() throws {
        var record = try Self.run("rnn(4, sequence: false) dense(1)", on: try Self.adding(length: 6))
        record.timeStepGradients![0].initial = [1e12, 1, 1, 1, 1, 1]
        record.timeStepGradients![0].final = [0, 0, 0, 0, 0, 1]
        let found = TrainingDiagnoses.diagnose(record).filter { $0.name.hasSuffix("-through-time") }
        #expect(found.map(\.name) == ["exploding-through-time", "vanishing-through-time"], "\(found.map(\.name))")
        #expect(found.first?.subject == "layer 0 (rnn(4, sequence: false)) at initialisation" && found.first?.value == 1e12)
        #expect(found.first?.message.contains("aftermath") ?? false, "\(found.first?.message ?? "")")
        record.timeStepGradients![0].final = [1e9, 1, 1, 1, 1, 1]
        #expect(TrainingDiagnoses.diagnose(record).filter { $0.name.hasSuffix("-through-time") }.map(\.subject) == ["layer 0 (rnn(4, sequence: false))"])
        record.timeStepGradients![0].initial = [1e-12, 1, 1, 1, 1, 1]
        record.timeStepGradients![0].final = [1e-3, 1, 1, 1, 1, 1]
        #expect(TrainingDiagnoses.diagnose(record).allSatisfy { !$0.name.hasSuffix("-through-time") })
    }

    /// A run whose loss stops being finite at its second step (Adam at rate 100: the first update
    /// moves every weight by about 100, and a relu rnn over 40 steps overflows) keeps the first
    /// step's norms as its last, says so (`finalStep` 1), and gets no verdict through time: the
    /// diverged-loss diagnosis speaks for it.
    @Test func aDivergedRunGetsNoVerdictThroughTime() throws {
        let task = try TaskDefinition.adding.makeTask(["length": "40", "n": "64", "n-valid": "16", "n-test": "16"])
        let record = try Self.run("rnn(8, nonlinearity: relu, sequence: false) dense(1)", on: task, epochs: 2, optimizer: .adam(learningRate: 100))
        guard case .diverged(1, 2, _) = record.outcome else {
            Issue.record("the run was meant to diverge at epoch 1, step 2: \(record.outcome)")
            return
        }
        let profile = try #require(record.timeStepGradients?.first)
        #expect(profile.finalEpoch == 1 && profile.finalStep == 1 && profile.final == profile.initial)
        let found = TrainingDiagnoses.diagnose(record)
        #expect(found.contains { $0.name == "loss-diverged" } && !found.contains { $0.name.hasSuffix("-through-time") }, "\(found.map(\.name))")
        let verdict = TrainingDiagnoses.timeStepVerdict(profile, outcome: record.outcome)
        #expect(verdict.verdict == nil && verdict.finalRatio != nil)
    }
}
