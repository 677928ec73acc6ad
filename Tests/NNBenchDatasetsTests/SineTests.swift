import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("sine")
struct SineTests {
    @Test func withoutNoiseTheTargetIsTheSine() throws {
        let task = try Generators.sine(sizes: SplitSizes(train: 500, validation: 1, test: 1), frequency: 3, noise: 0)
        for index in 0..<task.train.count {
            let x = task.train.inputs[index]
            #expect(x >= -Double.pi && x < Double.pi)
            #expect(task.train.targets[index] - sin(3 * x) == 0)
        }
        #expect(task.answer.noiseFloor == 0)
    }

    @Test func residualsHaveTheNoiseFloorAsVariance() throws {
        let task = try Generators.sine(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), noise: 0.4, seed: 3)
        let residuals = zip(task.train.inputs, task.train.targets).map { $1 - sin($0) }
        let n = Double(residuals.count)
        let floor = try #require(task.answer.noiseFloor)
        #expect(floor == 0.4 * 0.4)
        // The mean of n squared N(0, σ²) residuals has standard error σ²·√(2/n); allow 4 of them.
        #expect(abs(residuals.reduce(0) { $0 + $1 * $1 } / n - floor) < 4 * floor * (2 / n).squareRoot())
    }

    @Test(arguments: [0.75, 1, 4.3])
    func chanceLevelIsTheAnalyticVariance(frequency: Double) throws {
        // Noise-free, so the analytic variance is the function's alone; the target's mean is 0.
        let task = try Generators.sine(
            sizes: SplitSizes(train: 20_000, validation: 1, test: 1), frequency: frequency, noise: 0, seed: 4)
        let squares = task.train.targets.map { $0 * $0 }
        let n = Double(squares.count)
        let mean = squares.reduce(0, +) / n
        let deviation = (squares.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        // Standard error of the mean of y²: its sample standard deviation / √n; allow 4 of them.
        #expect(abs(mean - task.chanceLevel) < 4 * deviation / n.squareRoot())
        #expect(task.expectedInitialLoss == task.chanceLevel)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.sine()
        let viaCatalogue = try TaskDefinition.sine.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.answer == viaCatalogue.answer)
    }

    @Test func frequencyOutOfRangeIsRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.sine.makeTask(["frequency": "25"]) }
        #expect(error.description == "invalid value '25' for parameter 'frequency' of task 'sine'; expected a number in 0.1...20")
        #expect(throws: DatasetError.self) { try Generators.sine(frequency: 0.05) }
    }

    @Test func negativeNoiseIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "sine", name: "noise", value: "-0.1", expected: "a number in 0...100")) {
            try Generators.sine(noise: -0.1)
        }
    }
}
