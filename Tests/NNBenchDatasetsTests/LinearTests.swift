import Testing
@testable import NNBenchDatasets

@Suite("linear")
struct LinearTests {
    @Test func leastSquaresRecoversTheWeightsOfNoiseFreeData() throws {
        let task = try Generators.linear(sizes: SplitSizes(train: 200, validation: 1, test: 1), noise: 0, seed: 11)
        let fit = LeastSquares.fit(task.train)
        let weights = try #require(task.answer.weights["W"])
        let bias = try #require(task.answer.weights["b"])
        #expect(weights.shape == [8, 3] && bias.shape == [3])
        // Exact data and a well-conditioned Gaussian design: only rounding separates the fit from
        // the truth, about 1e-14 here.
        for (fitted, truth) in zip(fit.weights, weights.values) { #expect(abs(fitted - truth) < 1e-9) }
        for (fitted, truth) in zip(fit.bias, bias.values) { #expect(abs(fitted - truth) < 1e-9) }
    }

    @Test func residualsOfTheTrueWeightsHaveTheNoiseFloorAsVariance() throws {
        let noise = 0.3
        let task = try Generators.linear(sizes: SplitSizes(train: 4000, validation: 1, test: 1), noise: noise, seed: 2)
        let weights = try #require(task.answer.weights["W"]).values
        let bias = try #require(task.answer.weights["b"]).values
        var squares = 0.0
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index)), y = Array(task.train.target(index))
            for j in 0..<3 {
                var prediction = bias[j]
                for i in 0..<8 { prediction += x[i] * weights[i * 3 + j] }
                squares += (y[j] - prediction) * (y[j] - prediction)
            }
        }
        let residuals = Double(task.train.count * 3)
        let floor = try #require(task.answer.noiseFloor)
        #expect(floor == noise * noise)
        // The mean of m squared N(0, σ²) residuals has standard error σ²·√(2/m); allow 4 of them.
        #expect(abs(squares / residuals - floor) < 4 * floor * (2 / residuals).squareRoot())
    }

    @Test func chanceLevelIsTheTargetVariance() throws {
        let task = try Generators.linear(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), seed: 4)
        let empirical = Math.meanColumnVariance(task.train.targets, width: 3)
        // Each output's sample variance has relative standard error about √(2/n) = 1 %; the mean of
        // three is no worse, so 5 % is 5 standard errors.
        #expect(abs(empirical - task.chanceLevel) < 0.05 * task.chanceLevel)
        #expect(abs(Math.meanSquare(task.train.targets) - task.expectedInitialLoss) < 0.05 * task.expectedInitialLoss)
    }

    @Test func theWeightsDependOnTheSeedOnly() throws {
        let small = try Generators.linear(sizes: SplitSizes(train: 3, validation: 3, test: 3), seed: 9)
        let large = try Generators.linear(sizes: SplitSizes(train: 30, validation: 3, test: 3), seed: 9)
        let other = try Generators.linear(sizes: SplitSizes(train: 3, validation: 3, test: 3), seed: 10)
        #expect(small.answer.weights == large.answer.weights)
        #expect(small.answer.weights != other.answer.weights)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.linear()
        let viaCatalogue = try TaskDefinition.linear.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.answer == viaCatalogue.answer)
        #expect(viaFunction.reference.architecture == "dense(3)")
    }

    @Test func inputsOutOfRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "linear", name: "inputs", value: "0", expected: "an integer in 1...1024")) {
            try Generators.linear(inputs: 0)
        }
    }

    @Test func outputsOutOfRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "linear", name: "outputs", value: "257", expected: "an integer in 1...256")) {
            try Generators.linear(outputs: 257)
        }
    }

    @Test func negativeNoiseIsRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.linear.makeTask(["noise": "-0.5"]) }
        #expect(error.description == "invalid value '-0.5' for parameter 'noise' of task 'linear'; expected a number in 0...100")
    }
}

/// Ordinary least squares with an intercept, by the normal equations in Double: the fit that a
/// dense layer without hidden layers converges to under the MSE loss.
enum LeastSquares {
    /// Fits `y = x·W + b` to a split.
    ///
    /// - Returns: `W` as `[inputs, outputs]` row-major, and `b`.
    static func fit(_ split: Split) -> (weights: [Double], bias: [Double]) {
        let inputs = split.inputWidth, outputs = split.targetWidth, width = inputs + 1
        // Normal matrix [x 1]ᵀ[x 1] augmented with the right-hand sides [x 1]ᵀy.
        var system = [[Double]](repeating: [Double](repeating: 0, count: width + outputs), count: width)
        for index in 0..<split.count {
            let row = Array(split.input(index)) + [1]
            let y = Array(split.target(index))
            for a in 0..<width {
                for b in 0..<width { system[a][b] += row[a] * row[b] }
                for j in 0..<outputs { system[a][width + j] += row[a] * y[j] }
            }
        }
        // Gauss–Jordan elimination with partial pivoting.
        for column in 0..<width {
            let pivot = (column..<width).max { abs(system[$0][column]) < abs(system[$1][column]) }!
            system.swapAt(column, pivot)
            let divisor = system[column][column]
            system[column] = system[column].map { $0 / divisor }
            for other in 0..<width where other != column {
                let factor = system[other][column]
                for k in 0..<(width + outputs) { system[other][k] -= factor * system[column][k] }
            }
        }
        let weights = (0..<inputs).flatMap { i in (0..<outputs).map { j in system[i][width + j] } }
        let bias = (0..<outputs).map { j in system[inputs][width + j] }
        return (weights, bias)
    }
}
