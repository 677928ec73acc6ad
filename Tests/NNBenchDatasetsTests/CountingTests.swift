import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("counting")
struct CountingTests {
    /// One bit per step, and the target is the number of ones.
    @Test(arguments: [2, 10, 37])
    func bitsOnePerStepAndTheTargetIsTheirCount(length: Int) throws {
        let task = try Generators.counting(sizes: SplitSizes(train: 200, validation: 1, test: 1), length: length, seed: 3)
        #expect(task.inputShape == [length, 1] && task.targetShape == [1] && task.outputShape == [1])
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index))
            #expect(x.count == length && x.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(task.train.targets[index] == x.reduce(0, +))
        }
        #expect(task.reference.target.value == Double(length) / 100)
    }

    /// The memoryless MSE T/4 and the last-step MSE (T − 1)/4, reproduced on n = 20,000 samples
    /// at T = 10 within 4 standard errors (a normal tail of 6e-5 each).
    ///
    /// The count `y` is Binomial(T, 1/2): `e = (y − T/2)²` has mean `σ² = T/4` and, from the fourth
    /// central moment `T/4 · (1 + 3(T − 2)/4)`, variance `T(T − 1)/8`. The last-step predictor
    /// `x_{T−1} + (T − 1)/2` errs by a Binomial(T − 1, 1/2) less its mean: mean `(T − 1)/4`,
    /// variance `(T − 1)(T − 2)/8`.
    @Test func theMemorylessMSEIsAQuarterOfTAndTheLastStepLowersItByAQuarter() throws {
        let length = 10, t = 10.0, n = 20_000.0
        let task = try Generators.counting(sizes: SplitSizes(train: Int(n), validation: 1, test: 1), length: length, seed: 1)
        let constant = task.train.targets.map { ($0 - t / 2) * ($0 - t / 2) }.reduce(0, +) / n
        #expect(abs(constant - t / 4) < 4 * (t * (t - 1) / 8).squareRoot() / n.squareRoot())
        let lastStep = (0..<Int(n)).map { index in
            let prediction = task.train.input(index).last! + (t - 1) / 2
            return (task.train.targets[index] - prediction) * (task.train.targets[index] - prediction)
        }.reduce(0, +) / n
        #expect(abs(lastStep - (t - 1) / 4) < 4 * ((t - 1) * (t - 2) / 8).squareRoot() / n.squareRoot())
        #expect(task.answer.memorylessLoss == 2.5 && task.chanceLevel == 2.5 && task.expectedInitialLoss == 27.5)
        #expect(task.answer.facts.contains("a model without memory sees only the last step and reaches MSE (T − 1)/4 = 2.25 at best: below it, the model stored earlier steps"))
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let sizes = SplitSizes(train: 3, validation: 2, test: 2)
        let viaFunction = try Generators.counting(sizes: sizes)
        let viaCatalogue = try TaskDefinition.counting.makeTask(["n": "3", "n-valid": "2", "n-test": "2"])
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [10, 1])
    }

    @Test func lengthOutOfRangeIsRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "counting", name: "length", value: "1001", expected: "an integer in 2...1000")) {
            try Generators.counting(length: 1001)
        }
    }
}
