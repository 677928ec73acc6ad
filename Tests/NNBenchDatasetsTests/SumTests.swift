import Testing
@testable import NNBenchDatasets

@Suite("sum")
struct SumTests {
    @Test func leastSquaresRecoversUnitWeightsAndZeroBias() throws {
        let task = try Generators.sum(sizes: SplitSizes(train: 300, validation: 1, test: 1), inputs: 5, seed: 3)
        let fit = LeastSquares.fit(task.train)
        #expect(task.answer.weights["W"] == ShapedArray(shape: [5, 1], values: [1, 1, 1, 1, 1]))
        #expect(task.answer.weights["b"] == ShapedArray(shape: [1], values: [0]))
        // The targets are exact sums, so only rounding (about 1e-15) separates the fit from 1 and 0.
        for weight in fit.weights { #expect(abs(weight - 1) < 1e-9) }
        #expect(abs(fit.bias[0]) < 1e-9)
    }

    @Test func inputsAreUniformOnTheSymmetricInterval() throws {
        let task = try Generators.sum(sizes: SplitSizes(train: 5000, validation: 1, test: 1), inputs: 2)
        #expect(task.train.inputs.allSatisfy { $0 >= -1 && $0 < 1 })
        // Var(y) = inputs/3 = 2/3; the sample variance of 5000 draws has relative standard error
        // about √(0.8/5000) (the uniform sum is light-tailed), 1.3 %, so 6 % is over 4 of them.
        #expect(task.chanceLevel == 2.0 / 3.0 && task.expectedInitialLoss == 2.0 / 3.0)
        #expect(abs(Math.meanColumnVariance(task.train.targets, width: 1) - 2.0 / 3.0) < 0.06 * 2.0 / 3.0)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.sum()
        let viaCatalogue = try TaskDefinition.sum.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [4])
    }

    @Test func inputsOutOfRangeAreRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.sum.makeTask(["inputs": "1025"]) }
        #expect(error == .invalidValue(task: "sum", name: "inputs", value: "1025", expected: "an integer in 1...1024"))
        #expect(error.description.contains("'1025'") && error.description.contains("1...1024"))
    }
}
