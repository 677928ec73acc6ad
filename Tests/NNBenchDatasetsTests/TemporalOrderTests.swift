import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("temporal-order")
struct TemporalOrderTests {
    /// B first, E last, X or Y at one step of each window, distractors elsewhere, and the class
    /// is the pair's order.
    @Test(arguments: [10, 20, 100])
    func twoSymbolsInTheirWindowsAndTheClassIsTheirOrder(length: Int) throws {
        let task = try Generators.temporalOrder(sizes: SplitSizes(train: 200, validation: 1, test: 1), length: length, seed: 5)
        #expect(task.inputShape == [length] && task.targetShape == [] && task.outputShape == [4])
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index))
            #expect(x[0] == 6 && x[length - 1] == 7)
            let relevant = (1..<length - 1).filter { x[$0] == 4 || x[$0] == 5 }
            try #require(relevant.count == 2)
            #expect((length / 10...length / 5).contains(relevant[0]) && (length / 2...3 * length / 5).contains(relevant[1]))
            #expect((1..<length - 1).allSatisfy { relevant.contains($0) || [0, 1, 2, 3].contains(x[$0]) })
            #expect(task.train.targets[index] == 2 * (x[relevant[0]] - 4) + (x[relevant[1]] - 4))
        }
        if length == 100 {
            // Hochreiter and Schmidhuber's windows.
            #expect(task.answer.facts[1].hasPrefix("X or Y at one step of 10...20 and one of 50...60"))
        }
    }

    /// The known answers, empirically on n = 4000 samples. The classes are uniform: `2n·KL(p̂ ‖ u)`,
    /// the G statistic, is asymptotically χ² with 3 degrees of freedom, beyond 25 with probability
    /// 1.5e-5 (SciPy `chi2.sf(25, 3)`). A model that stored only the second symbol predicts the
    /// likelier class given it, right with probability 1/2 when the first symbol is independent and
    /// uniform; its accuracy on n samples has standard deviation `√(1/4n)`, and the choice of the
    /// likelier class biases it up by `E|p̂ − 1/2| ≈ √(1/(2πn))` per half, below one standard
    /// deviation: 4 standard deviations hold both with a normal tail of 6e-5.
    @Test func uniformClassesAndOneSymbolIsWorthHalf() throws {
        let n = 4000
        let task = try Generators.temporalOrder(sizes: SplitSizes(train: n, validation: 1, test: 1), length: 20, seed: 8)
        var counts = [Double](repeating: 0, count: 4)
        for label in task.train.targets { counts[Int(label)] += 1 }
        let divergence = counts.reduce(0.0) { $0 + $1 / Double(n) * log($1 / Double(n) * 4) }
        #expect(2 * Double(n) * divergence < 25)
        // Given the second symbol (the low bit), the likelier of its two classes.
        let right = [0.0, 1.0].reduce(0.0) { sum, bit in sum + max(counts[Int(bit)], counts[Int(bit) + 2]) }
        #expect(abs(right / Double(n) - 0.5) < 4 * (0.25 / Double(n)).squareRoot())
        #expect(task.answer.bayesAccuracy == 1 && task.chanceLevel == 0.25 && task.answer.memorylessLoss == log(4))
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let sizes = SplitSizes(train: 3, validation: 2, test: 2)
        let viaFunction = try Generators.temporalOrder(sizes: sizes)
        let viaCatalogue = try TaskDefinition.temporalOrder.makeTask(["n": "3", "n-valid": "2", "n-test": "2"])
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [30])
    }

    @Test func lengthOutOfRangeIsRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "temporal-order", name: "length", value: "9", expected: "an integer in 10...1000")) {
            try Generators.temporalOrder(length: 9)
        }
    }
}
