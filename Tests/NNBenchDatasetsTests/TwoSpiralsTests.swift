import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("two-spirals")
struct TwoSpiralsTests {
    @Test func pointsFollowWielandsFormula() throws {
        let task = try Generators.twoSpirals()
        #expect(task.train.count == 194)
        for split in [task.validation, task.test] {
            #expect(split.inputs == task.train.inputs && split.targets == task.train.targets)
        }
        for i in 0...96 {
            let angle = Double.pi * Double(i) / 16
            let radius = 6.5 * Double(104 - i) / 104
            // The same formula in a different order of operations: rounding only, below 1e-14.
            #expect(abs(task.train.inputs[4 * i] - radius * sin(angle)) < 1e-12)
            #expect(abs(task.train.inputs[4 * i + 1] - radius * cos(angle)) < 1e-12)
            #expect(task.train.targets[2 * i] == 1 && task.train.targets[2 * i + 1] == 0)
        }
    }

    @Test func theSpiralsStartOnTheVerticalAxis() throws {
        let task = try Generators.twoSpirals()
        #expect(Array(task.train.inputs.prefix(4)) == [0, 6.5, -0.0, -6.5])
        #expect(Array(task.train.targets.prefix(2)) == [1, 0])
        // The last point of each spiral is at radius 6.5 · 8/104 = 0.5, three turns in.
        let last = task.train.input(192)
        #expect(abs((last[last.startIndex] * last[last.startIndex] + last[last.startIndex + 1] * last[last.startIndex + 1]).squareRoot() - 0.5) < 1e-12)
    }

    @Test func theClassesAreMirrorImagesThroughTheOrigin() throws {
        let split = try Generators.twoSpirals().train
        for pair in 0..<97 {
            let one = Array(split.input(2 * pair)), zero = Array(split.input(2 * pair + 1))
            #expect(zero == [-one[0], -one[1]])
            #expect(split.targets[2 * pair] + split.targets[2 * pair + 1] == 1)
        }
    }

    @Test func functionMatchesTheCatalogue() throws {
        let viaFunction = try Generators.twoSpirals()
        let viaCatalogue = try TaskDefinition.twoSpirals.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.parameters.isEmpty && viaCatalogue.parameters.isEmpty)
        #expect(viaFunction.reference.target == Target(metric: .accuracy, split: .train, value: 1))
    }

    @Test func itTakesNoParameters() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.twoSpirals.makeTask(["n": "10"]) }
        #expect(error == .unknownParameter(task: "two-spirals", name: "n", known: []))
    }
}
