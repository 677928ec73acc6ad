import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("friedman1")
struct Friedman1Tests {
    /// Friedman's function, written out again from the paper's formula.
    static func friedman(_ x: ArraySlice<Double>) -> Double {
        let v = Array(x)
        return 10 * sin(Double.pi * v[0] * v[1]) + 20 * (v[2] - 0.5) * (v[2] - 0.5) + 10 * v[3] + 5 * v[4]
    }

    @Test func withoutNoiseTheTargetIsFriedmansFunction() throws {
        let task = try Generators.friedman1(sizes: SplitSizes(train: 300, validation: 1, test: 1), inputs: 7, noise: 0)
        #expect(task.train.inputs.allSatisfy { $0 >= 0 && $0 < 1 })
        for index in 0..<task.train.count {
            // The generator squares (x₂ − 0.5) once instead of subtracting twice: rounding only.
            #expect(abs(task.train.targets[index] - Self.friedman(task.train.input(index))) < 1e-12)
        }
    }

    @Test func residualsHaveTheNoiseFloorAsVariance() throws {
        let task = try Generators.friedman1(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), noise: 2, seed: 5)
        var squares = 0.0
        for index in 0..<task.train.count {
            let residual = task.train.targets[index] - Self.friedman(task.train.input(index))
            squares += residual * residual
        }
        let n = Double(task.train.count)
        let floor = try #require(task.answer.noiseFloor)
        #expect(floor == 4)
        // The mean of n squared N(0, σ²) residuals has standard error σ²·√(2/n); allow 4 of them.
        #expect(abs(squares / n - floor) < 4 * floor * (2 / n).squareRoot())
    }

    @Test func chanceLevelAndInitialLossAreTheTargetMoments() throws {
        let task = try Generators.friedman1(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), seed: 9)
        let y = task.train.targets
        let n = Double(y.count)
        // The analytic mean follows from the two analytic moments: E[y²] − Var(y).
        let mean = (task.expectedInitialLoss - task.chanceLevel).squareRoot()
        let deviations = y.map { ($0 - mean) * ($0 - mean) }
        let variance = deviations.reduce(0, +) / n
        let spread = (deviations.reduce(0) { $0 + ($1 - variance) * ($1 - variance) } / (n - 1)).squareRoot()
        // Standard errors of a mean, σ/√n, and of a mean of squared deviations, sd/√n; 4 of each.
        #expect(abs(y.reduce(0, +) / n - mean) < 4 * task.chanceLevel.squareRoot() / n.squareRoot())
        #expect(abs(variance - task.chanceLevel) < 4 * spread / n.squareRoot())
        // Noise 1 adds 1 to the function's variance, which is near 23.8.
        #expect(task.chanceLevel > 24 && task.chanceLevel < 25.5)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.friedman1()
        let viaCatalogue = try TaskDefinition.friedman1.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [10])
    }

    @Test func inputsOutOfRangeAreRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.friedman1.makeTask(["inputs": "4"]) }
        #expect(error.description == "invalid value '4' for parameter 'inputs' of task 'friedman1'; expected an integer in 5...100")
    }

    @Test func negativeNoiseIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "friedman1", name: "noise", value: "-1", expected: "a number in 0...100")) {
            try Generators.friedman1(noise: -1)
        }
    }
}
