import NNBenchEngine
import Testing
import NNBenchDatasets

/// The reference solutions of the task catalogue, trained by the engine, reach their targets, and
/// the tasks with known weights give them back.
@Suite("Reference solutions")
struct ReferenceSolutionTests {
    /// Trains a task's reference solution in Float, by default stopping at its target.
    static func train(
        _ task: LearningTask, epochs: Int? = nil, stopAtTarget: Bool = true
    ) throws -> (TrainingRecord, TrainingRun<Float>) {
        let run = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: task.reference.architecture),
            configuration: TrainingConfiguration(
                optimizer: try OptimizerSpec(parsing: task.reference.optimizer), epochs: epochs ?? task.reference.epochs,
                batchSize: task.reference.batchSize, stopAtTarget: stopAtTarget))
        return (run.run(), run)
    }

    // Cheap enough for a debug build; two-spirals (≈650 full-batch epochs) is below.
    static let quick: [(name: String, parameters: [String: String])] = [
        ("xor", [:]), ("parity", ["bits": "4"]), ("spirals", ["classes": "3"]), ("bars-stripes", [:]),
        ("encoder", [:]), ("memorize", [:]), ("moons", [:]), ("blobs", [:]),
    ]

    @Test(arguments: quick.map(\.name))
    func referenceReachesItsTarget(name: String) throws {
        let parameters = Self.quick.first { $0.name == name }!.parameters
        let task = try TaskCatalogue.definition(named: name).makeTask(parameters)
        let (record, _) = try Self.train(task)
        #expect(record.epochsToTarget != nil, "\(name): \(task.reference.target.description) not met; final \(record.final)")
        #expect(record.outcome == .reachedTarget)
    }

    @Test(.enabled(if: ReferenceSolutionTests.optimized, "≈650 full-batch epochs take about a minute in a debug build; `nnbench run all` (release, in CI) trains it too"))
    func twoSpiralsAllPointsCorrect() throws {
        let (record, _) = try Self.train(try Generators.twoSpirals())
        #expect(record.final.train.accuracy == 1, "\(record.final.train)")
    }

    @Test func sumWeightsAreOnesToOneThousandth() throws {
        let task = try Generators.sum()
        let (record, run) = try Self.train(task, epochs: 200, stopAtTarget: false)
        #expect(record.epochsToTarget != nil)
        let weights = try #require(run.network.parameters.first { $0.name == "0.weight" }?.value)
        let bias = try #require(run.network.parameters.first { $0.name == "0.bias" }?.value)
        #expect(weights.scalars.allSatisfy { abs($0 - 1) < 1e-3 }, "\(weights.scalars)")
        #expect(abs(bias.scalars[0]) < 1e-3)
    }

    @Test func linearWeightsAreRecoveredWithinTheNoise() throws {
        let task = try Generators.linear()
        let (record, run) = try Self.train(task, epochs: 200, stopAtTarget: false)
        #expect(record.epochsToTarget != nil)
        let learnt = try #require(run.network.parameters.first { $0.name == "0.weight" }?.value)
        let truth = try #require(task.answer.weights["W"])
        #expect(learnt.shape == truth.shape)
        // Least squares on n = 1000 samples with x ~ N(0, I) has a standard error of about
        // σ/√n = 0.1/√1000 ≈ 0.0032 per weight; five standard errors bound every entry.
        let bound = 5 * 0.1 / Double(task.train.count).squareRoot()
        for (a, b) in zip(learnt.scalars, truth.values) { #expect(abs(Double(a) - b) < bound, "\(a) vs \(b)") }
    }

    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif
}
