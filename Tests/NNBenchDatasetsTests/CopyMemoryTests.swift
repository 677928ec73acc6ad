import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("copy-memory")
struct CopyMemoryTests {
    /// Every sample is K symbols, T − 1 blanks, the delimiter, K blanks; its targets are T + K
    /// blanks, then the K symbols.
    @Test(arguments: [(1, 1, 2), (4, 3, 8), (10, 5, 8)])
    func theSymbolsTheDelimiterAndTheCopy(delay: Int, length: Int, alphabet: Int) throws {
        let task = try Generators.copyMemory(
            sizes: SplitSizes(train: 200, validation: 1, test: 1), delay: delay, length: length, alphabet: alphabet, seed: 3)
        let steps = delay + 2 * length
        #expect(task.inputShape == [steps] && task.targetShape == [steps] && task.outputShape == [steps, alphabet + 1])
        #expect(task.kind == .multiclass(classes: alphabet + 1))
        for index in 0..<task.train.count {
            let x = Array(task.train.input(index))
            let y = Array(task.train.targets[index * steps..<(index + 1) * steps])
            let symbols = Array(x[0..<length])
            #expect(symbols.allSatisfy { $0 >= 1 && $0 <= Double(alphabet) && $0 == $0.rounded() })
            #expect(x[length..<length + delay - 1].allSatisfy { $0 == 0 })
            #expect(x[length + delay - 1] == Double(alphabet + 1))
            #expect(x[length + delay..<steps].allSatisfy { $0 == 0 })
            #expect(y[0..<delay + length].allSatisfy { $0 == 0 })
            #expect(Array(y[delay + length..<steps]) == symbols)
        }
    }

    /// The known answer as derived in the generator's documentation, at T = 10, K = 5, A = 8.
    @Test func theMemorylessBaselineIsKLogAOverTPlus2K() throws {
        let task = try Generators.copyMemory(sizes: SplitSizes(train: 5, validation: 1, test: 1), delay: 10, length: 5, alphabet: 8)
        #expect(abs(try #require(task.answer.memorylessLoss) - 5 * log(8) / 20) < 1e-15)
        #expect(task.chanceLevel == 15.0 / 20 && task.expectedInitialLoss == log(9))
        let priors = [15.0 / 20] + Array(repeating: 5.0 / 20 / 8, count: 8)
        #expect(abs(try #require(task.answer.priorEntropy) - -priors.reduce(0) { $0 + $1 * log($1) }) < 1e-15)
        // The target needs half of the symbols: (T + K + 0.5K)/(T + 2K).
        #expect(task.reference.target == Target(metric: .accuracy, split: .test, value: 17.5 / 20))
        #expect(task.answer.facts[0]
            == "the memoryless baseline: the blank for 15 steps, uniform over the 8 symbols for the last 5: cross-entropy 5·ln 8/20 = 0.51986, accuracy 0.78125")
    }

    /// The memoryless baseline is the best prediction without memory because each copied symbol
    /// is uniform over the A symbols at every output step: the baseline's loss `ln A` at a step
    /// exceeds the best constant fitted to the data there, the empirical entropy Ĥ, by
    /// `KL(p̂ ‖ uniform)`. With n samples, `2n·KL(p̂ ‖ uniform)` is the G statistic, asymptotically
    /// χ² with A − 1 = 7 degrees of freedom (Wilks 1938), whose tail beyond 35 is below 1e-5
    /// (SciPy: `chi2.sf(35, 7)` = 1.1e-5); a bias towards any symbol grows it with n.
    @Test func eachCopiedSymbolIsUniform() throws {
        let (delay, length, alphabet, n) = (2, 3, 8, 4000)
        let task = try Generators.copyMemory(
            sizes: SplitSizes(train: n, validation: 1, test: 1), delay: delay, length: length, alphabet: alphabet, seed: 9)
        let steps = delay + 2 * length
        for step in delay + length..<steps {
            var counts = [Double](repeating: 0, count: alphabet + 1)
            for index in 0..<n { counts[Int(task.train.targets[index * steps + step])] += 1 }
            #expect(counts[0] == 0)
            let divergence = counts.dropFirst().reduce(0.0) { sum, count in
                let p = count / Double(n)
                return p > 0 ? sum + p * log(p * Double(alphabet)) : sum
            }
            #expect(2 * Double(n) * divergence < 35, "step \(step): G = \(2 * Double(n) * divergence)")
        }
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let sizes = SplitSizes(train: 3, validation: 2, test: 2)
        let viaFunction = try Generators.copyMemory(sizes: sizes)
        let viaCatalogue = try TaskDefinition.copyMemory.makeTask(["n": "3", "n-valid": "2", "n-test": "2"])
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.inputShape == [16])
    }

    @Test func parametersOutOfRangeAreRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "copy-memory", name: "delay", value: "0", expected: "an integer in 1...1000")) {
            try Generators.copyMemory(delay: 0)
        }
        #expect(throws: DatasetError.invalidValue(task: "copy-memory", name: "alphabet", value: "1", expected: "an integer in 2...100")) {
            try Generators.copyMemory(alphabet: 1)
        }
    }
}
