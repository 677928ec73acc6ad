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
}
