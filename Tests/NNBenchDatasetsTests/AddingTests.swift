import Testing
@testable import NNBenchDatasets

@Suite("adding")
struct AddingTests {
    @Test(arguments: [2, 7, 20])
    func twoMarkersOnePerHalfAndTheTargetIsTheirSum(length: Int) throws {
        let task = try Generators.adding(sizes: SplitSizes(train: 300, validation: 1, test: 1), length: length, seed: 4)
        #expect(task.inputShape == [length, 2] && task.targetShape == [1] && task.outputShape == [1])
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index))
            let values = (0..<length).map { x[2 * $0] }, markers = (0..<length).map { x[2 * $0 + 1] }
            let marked = markers.indices.filter { markers[$0] == 1 }
            #expect(markers.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
            try #require(marked.count == 2)
            #expect(marked[0] < length / 2 && marked[1] >= length / 2)
            #expect(task.train.targets[index] == values[marked[0]] + values[marked[1]])
            // The ReLU form of the fact: each term loses at most one rounding of v + 1.
            let relu = zip(values, markers).reduce(0.0) { $0 + max(0, $1.0 + $1.1 - 1) }
            #expect(abs(relu - task.train.targets[index]) < 1e-12)
        }
    }

    @Test func everyStepOfAHalfGetsMarked() throws {
        // Uniform marker positions: with 400 samples, each of 3 steps per half is missed with
        // probability (2/3)^400, about 1e-70.
        let task = try Generators.adding(sizes: SplitSizes(train: 400, validation: 1, test: 1), length: 6, seed: 2)
        var counts = [Int](repeating: 0, count: 6)
        for index in 0..<task.train.count {
            for t in 0..<6 where task.train.inputs[index * 12 + 2 * t + 1] == 1 { counts[t] += 1 }
        }
        #expect(counts.allSatisfy { $0 > 0 })
    }

    /// The memoryless MSE, 1/6, and the last-step-only bound `1/6 − 1/(12h)`, `h = T − ⌊T/2⌋`,
    /// reproduced on n = 20,000 samples within 4 standard errors (a normal tail of 6e-5).
    ///
    /// The error `d = y − 1` of the constant 1, the sum of two U(0, 1) less 1, is triangular on
    /// [−1, 1] with density `1 − |d|`, so `E d² = 1/6`, `E d⁴ = 2∫₀¹ d⁴(1 − d) dd
    /// = 1/15`, and `e = d²` has variance `1/15 − 1/36 = 7/180`. The last-step predictor is exact
    /// on `v + 1/2` with probability `p = 1/h` (error `(U − 1/2)²`: mean 1/12, second moment 1/80),
    /// else it is the constant: mean `p/12 + (1 − p)/6`, second moment `p/80 + (1 − p)/15`.
    @Test func theMemorylessMSEIsOneSixthAndTheLastStepLowersItAsDerived() throws {
        let length = 4, h = 2.0, n = 20_000.0
        let task = try Generators.adding(sizes: SplitSizes(train: Int(n), validation: 1, test: 1), length: length, seed: 1)
        let constant = task.train.targets.map { ($0 - 1) * ($0 - 1) }
        let constantMSE = constant.reduce(0, +) / n
        #expect(abs(constantMSE - 1.0 / 6) < 4 * (7.0 / 180).squareRoot() / n.squareRoot())
        #expect(task.answer.memorylessLoss == 1.0 / 6 && task.chanceLevel == 1.0 / 6 && task.expectedInitialLoss == 7.0 / 6)

        let lastStep = (0..<Int(n)).map { index in
            let x = Array(task.train.input(index))
            let prediction = x[2 * length - 1] == 1 ? x[2 * length - 2] + 0.5 : 1
            return (task.train.targets[index] - prediction) * (task.train.targets[index] - prediction)
        }
        let p = 1 / h
        let mean = p / 12 + (1 - p) / 6, variance = p / 80 + (1 - p) / 15 - mean * mean
        #expect(abs(mean - (1.0 / 6 - 1 / (12 * h))) < 1e-15)
        #expect(abs(lastStep.reduce(0, +) / n - mean) < 4 * variance.squareRoot() / n.squareRoot())
        #expect(task.answer.facts.contains { $0.hasPrefix("a model that sees only the last step reaches MSE 0.125 = 1/6 − 1/(12·2)") })
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let sizes = SplitSizes(train: 3, validation: 2, test: 2)
        let viaFunction = try Generators.adding(sizes: sizes)
        let viaCatalogue = try TaskDefinition.adding.makeTask(["n": "3", "n-valid": "2", "n-test": "2"])
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [50, 2])
    }

    @Test func lengthOutOfRangeIsRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.adding.makeTask(["length": "1"]) }
        #expect(error.description == "invalid value '1' for parameter 'length' of task 'adding'; expected an integer in 2...1000")
        #expect(throws: DatasetError.invalidValue(task: "adding", name: "length", value: "1001", expected: "an integer in 2...1000")) {
            try Generators.adding(length: 1001)
        }
    }
}
