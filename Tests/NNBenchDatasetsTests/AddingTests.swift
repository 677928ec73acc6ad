import Testing
@testable import NNBenchDatasets

@Suite("adding")
struct AddingTests {
    @Test(arguments: [2, 7, 20])
    func twoMarkersOnePerHalfAndTheTargetIsTheirSum(length: Int) throws {
        let task = try Generators.adding(sizes: SplitSizes(train: 300, validation: 1, test: 1), length: length, seed: 4)
        #expect(task.inputShape == [2 * length])
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

    @Test func predictingOneHasMSEOneSixth() throws {
        let task = try Generators.adding(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), length: 4, seed: 1)
        let errors = task.train.targets.map { ($0 - 1) * ($0 - 1) }
        let n = Double(errors.count)
        let mse = errors.reduce(0, +) / n
        let deviation = (errors.reduce(0) { $0 + ($1 - mse) * ($1 - mse) } / (n - 1)).squareRoot()
        // Standard error of a mean: sample standard deviation / √n, about 0.0016 here; 4 of them.
        #expect(abs(mse - 1.0 / 6) < 4 * deviation / n.squareRoot())
        #expect(task.chanceLevel == 1.0 / 6 && task.expectedInitialLoss == 7.0 / 6)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.adding()
        let viaCatalogue = try TaskDefinition.adding.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [40])
    }

    @Test func lengthOutOfRangeIsRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.adding.makeTask(["length": "1"]) }
        #expect(error.description == "invalid value '1' for parameter 'length' of task 'adding'; expected an integer in 2...1000")
        #expect(throws: DatasetError.invalidValue(task: "adding", name: "length", value: "1001", expected: "an integer in 2...1000")) {
            try Generators.adding(length: 1001)
        }
    }
}
