import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine
import Testing

/// Each training diagnosis fires on a configuration made to train badly, and none on the
/// reference solution trained as the catalogue says (the long sweep over every reference and ten
/// seeds: `nnbench run all --seeds 0-9 --diagnoses-margins`, docs/diagnoses.md).
@Suite("Training diagnoses")
struct TrainingDiagnosesTests {
    /// xor's truth table, 4 samples a split: every run below takes milliseconds in a debug build.
    static let xor = try! TaskCatalogue.definition(named: "xor").makeTask()

    /// Trains `architecture` on xor as `train` does when diagnosing (unit statistics and weights
    /// at the two ends alone), after `prepare` has had its say on the initial weights.
    static func diagnose(
        _ architecture: String, optimizer: OptimizerSpec, epochs: Int = 100, seed: UInt64 = 0,
        prepare: (Network<Float>) throws -> Void = { _ in }
    ) throws -> [TrainingDiagnosis] {
        let run = try TrainingRun<Float>(
            task: xor, architecture: try ArchitectureSpec(parsing: architecture),
            configuration: TrainingConfiguration(
                optimizer: optimizer, epochs: epochs, batchSize: 4, seed: seed,
                observation: TrainingObservation(measures: false, unitStatistics: true)))
        try prepare(run.network)
        return TrainingDiagnoses.diagnose(run.run())
    }

    static func names(_ diagnoses: [TrainingDiagnosis]) -> Set<String> { Set(diagnoses.map(\.name)) }

    @Test func theReferenceSolutionIsSilent() throws {
        let reference = Self.xor.reference
        for seed: UInt64 in 0..<3 {
            let found = try Self.diagnose(reference.architecture, optimizer: try OptimizerSpec(parsing: reference.optimizer), epochs: reference.epochs, seed: seed)
            #expect(found.isEmpty, "seed \(seed): \(found.map(\.message))")
        }
    }

    @Test func aLearningRateOf10IsTooHigh() throws {
        let found = try Self.diagnose(Self.xor.reference.architecture, optimizer: .sgd(learningRate: 10))
        // Rising, oscillating or diverged: whichever the loss does, the rate is named too high.
        #expect(!Self.names(found).isDisjoint(with: ["loss-rising", "loss-oscillating", "loss-diverged"]), "\(found.map(\.message))")
        let ratios = found.filter { $0.name == "update-ratio" }
        #expect(!ratios.isEmpty && ratios.allSatisfy { $0.value > 1 && $0.message.contains("too high") })
    }

    @Test func aLearningRateOf1e7BarelyMovesTheLoss() throws {
        let found = try Self.diagnose(Self.xor.reference.architecture, optimizer: .adam(learningRate: 1e-7))
        #expect(Self.names(found).isSuperset(of: ["loss-flat", "update-ratio", "barely-moved"]), "\(found.map(\.message))")
        #expect(found.filter { $0.name == "update-ratio" }.allSatisfy { $0.value < 1e-6 && $0.message.contains("too low") })
    }

    @Test func tenSigmoidLayersVanish() throws {
        let architecture = Array(repeating: "dense(8) sigmoid", count: 10).joined(separator: " ") + " dense(1)"
        let found = try Self.diagnose(architecture, optimizer: .sgd(learningRate: 0.1), epochs: 5)
        let vanishing = try #require(found.first { $0.name == "vanishing-gradients" }, "\(found.map(\.message))")
        // Each sigmoid layer scales the gradient by at most ¼ times its weights: 10 of them, < 1e-3.
        #expect(vanishing.subject == "0.weight / 20.weight" && vanishing.value < 1e-3)
    }

    @Test func biasesAtMinus5KillTheReLUsAndFreezeTheirLayer() throws {
        // No architecture option starts biases elsewhere than 0 (Initializer): set them, as a
        // program over the protocol would with set_parameters.
        let found = try Self.diagnose("dense(8) relu dense(1)", optimizer: .adam(learningRate: 0.01)) { network in
            try network.setParameters(["0.bias": Tensor(shape: [8], scalars: Array(repeating: -5, count: 8))])
        }
        let dead = found.filter { $0.name == "dead-units" }
        // xor's inputs are 0 or 1 and the Glorot weights of a 2 × 8 layer at most √(6/10) ≈ 0.77:
        // every pre-activation is below 2 · 0.77 − 5 < 0, at initialisation and ever after.
        #expect(dead.map(\.subject) == ["layer 1 (relu)", "layer 1 (relu)"] && dead.allSatisfy { $0.value == 1 })
        #expect(dead.first?.message.contains("at initialisation") == true)
        // No unit passes a gradient to the first layer, nor an input to the second, whose weight
        // then gets none either; its bias's gradient, mean(σ(b) − y) = ½ − ½ on xor's balanced
        // labels at b = 0, is zero too: every tensor stays as initialised.
        let frozen = try #require(found.first { $0.name == "frozen" }, "\(found.map(\.message))")
        #expect(frozen.subject == "0.weight, 0.bias, 2.weight, 2.bias")
    }

    @Test func aTrainingThatDoesNotRunDiagnosesNothing() throws {
        // One epoch: the loss rules need three, the units and weights two ends; nothing to say.
        let found = try Self.diagnose(Self.xor.reference.architecture, optimizer: .adam(learningRate: 0.01), epochs: 1)
        #expect(found.allSatisfy { $0.name != "loss-flat" && $0.name != "loss-rising" })
    }

    /// A run's record from xor's reference over `losses.count - 1` epochs, its training losses
    /// replaced by `losses` and its target said met at `target`.
    static func record(losses: [Double], target: Int?) throws -> TrainingRecord {
        let reference = xor.reference
        var record = try TrainingRun<Float>(
            task: xor, architecture: try ArchitectureSpec(parsing: reference.architecture),
            configuration: TrainingConfiguration(
                optimizer: try OptimizerSpec(parsing: reference.optimizer), epochs: losses.count - 1, batchSize: 4, seed: 0,
                stopAtTarget: false)).run()
        for index in record.epochs.indices { record.epochs[index].train.loss = losses[index] }
        record.epochsToTarget = target
        return record
    }

    @Test func noiseAfterTheTargetIsNotOscillation() throws {
        // Down from 1 to 0.1 by epoch 4, where the target is met; then 40 epochs of noise near
        // the floor, climbing 0.05 every other epoch: 1.0 of climbs for a drop of 0.9 (1.11×),
        // what `train` saw on circles' reference (2.6× by epoch 300, target met at epoch 9).
        let noise = (0..<40).map { $0 % 2 == 0 ? 0.15 : 0.1 }
        let losses = [1, 0.7, 0.4, 0.2, 0.1] + noise
        let measured = try #require(TrainingDiagnoses.measure(try Self.record(losses: losses, target: 4)).first { $0.rule == "loss-oscillating" })
        // Up to epoch 4 the loss only falls: no climb at all.
        #expect(measured.value == 0 && measured.diagnosis == nil)
        // A run that never met its target is read over all its epochs: the same curve climbs
        // 20 × 0.05 = 1.0 for a drop of 0.9.
        let missed = try #require(TrainingDiagnoses.measure(try Self.record(losses: losses, target: nil)).first { $0.rule == "loss-oscillating" })
        #expect(abs(missed.value - 1.0 / 0.9) < 1e-12 && missed.diagnosis != nil)
        #expect(missed.marginUnit == "× drop")
    }

    @Test func zeroInitialisationIsNotCalledARateTooLow() throws {
        // Every weight zero: tanh(0) = 0 passes nothing forward, the zero output weights nothing
        // back, and the output bias's gradient mean(σ(0) − y) is 0 on xor's balanced labels.
        let reference = Self.xor.reference
        let found = try Self.diagnose(
            "dense(4, init: zeros) tanh dense(1, init: zeros)", optimizer: try OptimizerSpec(parsing: reference.optimizer), epochs: 20)
        let flat = try #require(found.first { $0.name == "loss-flat" }, "\(found.map(\.message))")
        #expect(flat.message.contains("zero or constant initialisation") && flat.message.contains("0.weight, 2.weight"), "\(flat.message)")
        #expect(!flat.message.contains("higher"), "\(flat.message)")
    }

    @Test func aRateTooHighGetsOneAdvice() throws {
        let found = try Self.diagnose(Self.xor.reference.architecture, optimizer: .sgd(learningRate: 10))
        // The loss rules give the factor; the per-layer ratio gives its figure and no second one.
        let ratios = found.filter { $0.name == "update-ratio" }
        #expect(!ratios.isEmpty && ratios.allSatisfy { !$0.message.contains("× lower") && !$0.message.contains("times lower") }, "\(ratios.map(\.message))")
    }

    @Test func oneEpochIsSingular() throws {
        let found = try Self.diagnose("dense(8) relu dense(1)", optimizer: .adam(learningRate: 0.01), epochs: 1) { network in
            try network.setParameters(["0.bias": Tensor(shape: [8], scalars: Array(repeating: -5, count: 8))])
        }
        let frozen = try #require(found.first { $0.name == "frozen" }, "\(found.map(\.message))")
        #expect(frozen.message.contains("never changed in 1 epoch ("), "\(frozen.message)")
    }
}
