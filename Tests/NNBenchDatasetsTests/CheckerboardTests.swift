import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("checkerboard")
struct CheckerboardTests {
    /// The colour of a point's cell, written out independently of the generator's helper.
    static func colour(_ x0: Double, _ x1: Double, cells: Int) -> Double {
        let i = Int(((x0 + 1) / 2 * Double(cells)).rounded(.down))
        let j = Int(((x1 + 1) / 2 * Double(cells)).rounded(.down))
        return Double((i + j) % 2)
    }

    @Test(arguments: [2, 4, 5])
    func noiseFreeLabelsFollowTheRule(cells: Int) throws {
        let task = try Generators.checkerboard(sizes: SplitSizes(train: 500, validation: 1, test: 1), cells: cells)
        for i in 0..<task.train.count {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            #expect(x0 >= -1 && x0 < 1 && x1 >= -1 && x1 < 1)
            #expect(task.train.targets[i] == Self.colour(x0, x1, cells: cells))
        }
        #expect(task.answer.bayesAccuracy == 1)
    }

    @Test func flippedLabelsDisagreeWithTheRuleAtTheFlipRate() throws {
        let n = 10_000
        let task = try Generators.checkerboard(sizes: SplitSizes(train: n, validation: 1, test: 1), flip: 0.2, seed: 4)
        var disagreements = 0
        for i in 0..<n where task.train.targets[i] != Self.colour(task.train.inputs[2 * i], task.train.inputs[2 * i + 1], cells: 4) {
            disagreements += 1
        }
        // Binomial standard error √(0.2·0.8/n) = 0.004; 4 of them is the tolerance.
        #expect(abs(Double(disagreements) / Double(n) - 0.2) < 4 * 0.004)
        #expect(task.answer.bayesAccuracy == 0.8)
    }

    @Test func oddBoardsFavourColourZero() throws {
        // A 3 × 3 board has 5 cells of colour 0 and 4 of colour 1.
        let task = try Generators.checkerboard(sizes: SplitSizes(train: 1, validation: 1, test: 1), cells: 3)
        #expect(abs(task.chanceLevel - 5.0 / 9) < 1e-15)
        let flipped = try Generators.checkerboard(sizes: SplitSizes(train: 1, validation: 1, test: 1), cells: 3, flip: 0.5)
        #expect(abs(flipped.chanceLevel - 0.5) < 1e-15)
        let even = try Generators.checkerboard(sizes: SplitSizes(train: 1, validation: 1, test: 1))
        let entropy = try #require(even.answer.priorEntropy)
        #expect(even.chanceLevel == 0.5 && abs(entropy - log(2)) < 1e-15)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.checkerboard.makeTask()
        let viaFunction = try Generators.checkerboard()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 2000 && viaFunction.validation.count == 1000 && viaFunction.test.count == 1000)
    }

    @Test func cellsOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "checkerboard", name: "cells", value: "1", expected: "an integer in 2...32")) {
            try Generators.checkerboard(cells: 1)
        }
    }

    @Test func flipAboveOneHalfIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "checkerboard", name: "flip", value: "0.6", expected: "a number in 0...0.5")) {
            try Generators.checkerboard(flip: 0.6)
        }
    }
}
