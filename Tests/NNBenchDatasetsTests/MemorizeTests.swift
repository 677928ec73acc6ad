import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("memorize")
struct MemorizeTests {
    @Test func theBatchIsTheSameInEverySplitWithDistinctInputsAndLabelsInRange() throws {
        let task = try Generators.memorize(points: 64, features: 3, classes: 5, seed: 9)
        #expect(task.train == Split(name: .train, inputShape: [3], targetShape: [], inputs: task.test.inputs, targets: task.test.targets))
        #expect(task.validation.inputs == task.train.inputs && task.validation.targets == task.train.targets)
        #expect(task.train.count == 64 && task.inputShape == [3])
        #expect(task.train.targets.allSatisfy { $0 >= 0 && $0 < 5 && $0 == $0.rounded() })
        let rows = Set((0..<64).map { Array(task.train.input($0)) })
        #expect(rows.count == 64)
    }

    @Test func chanceAndPriorEntropyAreThoseOfTheBatch() throws {
        let task = try Generators.memorize(points: 40, classes: 3, seed: 2)
        let counts = (0..<3).map { k in task.train.targets.filter { $0 == Double(k) }.count }
        #expect(task.chanceLevel == Double(counts.max()!) / 40)
        let entropy = -counts.reduce(0.0) { $1 == 0 ? $0 : $0 + Double($1) / 40 * log(Double($1) / 40) }
        // Sums of three terms in a different order: a few ulps.
        #expect(abs(try #require(task.answer.priorEntropy) - entropy) < 1e-12)
    }

    @Test func aLargerBatchBeginsWithTheSmallerOne() throws {
        let small = try Generators.memorize(points: 4, seed: 5)
        let large = try Generators.memorize(points: 8, seed: 5)
        #expect(Array(large.train.inputs.prefix(16)) == small.train.inputs)
        #expect(Array(large.train.targets.prefix(4)) == small.train.targets)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.memorize.makeTask()
        let viaFunction = try Generators.memorize()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 8 && viaFunction.inputShape == [4] && viaFunction.kind == .multiclass(classes: 2))
    }

    @Test func pointsOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "memorize", name: "points", value: "0", expected: "an integer in 1...1024")) {
            try Generators.memorize(points: 0)
        }
    }

    @Test func featuresOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "memorize", name: "features", value: "1025", expected: "an integer in 1...1024")) {
            try Generators.memorize(features: 1025)
        }
    }

    @Test func oneClassIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "memorize", name: "classes", value: "1", expected: "an integer in 2...100")) {
            try Generators.memorize(classes: 1)
        }
    }
}
