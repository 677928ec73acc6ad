import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("sequence-parity")
struct SequenceParityTests {
    /// One bit per step, and the label is the parity of the ones.
    @Test(arguments: [2, 6, 31])
    func bitsOnePerStepAndTheLabelIsTheirParity(length: Int) throws {
        let task = try Generators.sequenceParity(sizes: SplitSizes(train: 200, validation: 1, test: 1), length: length, seed: 3)
        #expect(task.inputShape == [length, 1] && task.targetShape == [1] && task.outputShape == [1])
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index))
            #expect(x.count == length && x.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(task.train.targets[index] == Double(Int(x.reduce(0, +)) % 2))
        }
    }

    /// Parity is all or nothing, on n = 4000 samples at T = 6: the labels are balanced, and a model
    /// that ignores step t, whose best guess is the parity of the other steps, is right exactly
    /// when `x_t = 0`, so about half the time, for every t. Each of these 7 fractions has standard
    /// deviation `√(1/4n)` under the known answer; 4 standard deviations hold all of them with a
    /// normal tail of 7 · 6e-5.
    @Test func theLabelsAreBalancedAndIgnoringAnyStepIsWorthHalf() throws {
        let (n, length) = (4000, 6)
        let task = try Generators.sequenceParity(sizes: SplitSizes(train: n, validation: 1, test: 1), length: length, seed: 8)
        let bound = 4 * (0.25 / Double(n)).squareRoot()
        #expect(abs(task.train.targets.reduce(0, +) / Double(n) - 0.5) < bound)
        for ignored in 0..<length {
            let right = (0..<n).filter { index in
                let x = Array(task.train.input(index))
                let others = (0..<length).filter { $0 != ignored }.reduce(0) { $0 + Int(x[$1]) }
                return Double(others % 2) == task.train.targets[index]
            }.count
            #expect(abs(Double(right) / Double(n) - 0.5) < bound, "ignoring step \(ignored)")
        }
        #expect(task.answer.bayesAccuracy == 1 && task.chanceLevel == 0.5 && task.answer.memorylessLoss == log(2))
        #expect(task.expectedInitialLoss == log(2))
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let sizes = SplitSizes(train: 3, validation: 2, test: 2)
        let viaFunction = try Generators.sequenceParity(sizes: sizes)
        let viaCatalogue = try TaskDefinition.sequenceParity.makeTask(["n": "3", "n-valid": "2", "n-test": "2"])
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [6, 1])
    }

    @Test func lengthOutOfRangeIsRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "sequence-parity", name: "length", value: "1", expected: "an integer in 2...1000")) {
            try Generators.sequenceParity(length: 1)
        }
    }
}
