import Testing
@testable import NNBenchDatasets

@Suite("parity")
struct ParityTests {
    @Test(arguments: [1, 2, 5])
    func everyPatternAppearsOnceWithItsParity(bits: Int) throws {
        let task = try Generators.parity(bits: bits)
        #expect(task.train.count == 1 << bits)
        var seen = Set<Int>()
        for index in 0..<task.train.count {
            let x = task.train.input(index)
            #expect(x.allSatisfy { $0 == 0 || $0 == 1 })
            let ones = x.reduce(0, +)
            #expect(task.train.targets[index] == Double(Int(ones) % 2))
            seen.insert(x.reduce(0) { 2 * $0 + Int($1) })
        }
        #expect(seen.count == 1 << bits)
        for split in [task.validation, task.test] {
            #expect(split.inputs == task.train.inputs && split.targets == task.train.targets)
        }
    }

    @Test(arguments: [2, 3, 6])
    func noLinearModelIsPerfect(bits: Int) throws {
        // With s = ±1 by label, a perfect linear model would make every s·(x·w + b) positive, so
        // their sum positive; but Σ s = 0 and Σ s·x = 0, so that sum is 0 for every w and b.
        let task = try Generators.parity(bits: bits)
        var signSum = 0.0
        var signedInputs = [Double](repeating: 0, count: bits)
        for index in 0..<task.train.count {
            let sign = task.train.targets[index] == 1 ? 1.0 : -1.0
            signSum += sign
            for (i, value) in task.train.input(index).enumerated() { signedInputs[i] += sign * value }
        }
        #expect(signSum == 0 && signedInputs.allSatisfy { $0 == 0 })
        #expect(task.answer.bayesAccuracy == 1 && task.chanceLevel == 0.5)
    }

    @Test func twoBitsAreXor() throws {
        let task = try Generators.parity(bits: 2)
        #expect(task.train.inputs == [0, 0, 0, 1, 1, 0, 1, 1] && task.train.targets == [0, 1, 1, 0])
        #expect(task.answer.linearBound == 0.75)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.parity()
        let viaCatalogue = try TaskDefinition.parity.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.parameters == viaCatalogue.parameters)
        #expect(viaFunction.inputShape == [4] && viaFunction.reference.architecture == "dense(16) tanh dense(1)")
    }

    @Test func bitsOutOfRangeAreRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "parity", name: "bits", value: "17", expected: "an integer in 1...16")) {
            try Generators.parity(bits: 17)
        }
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.parity.makeTask(["bits": "0"]) }
        #expect(error.description == "invalid value '0' for parameter 'bits' of task 'parity'; expected an integer in 1...16")
    }
}
