import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("imbalanced")
struct ImbalancedTests {
    @Test func labelFrequenciesMatchThePriors() throws {
        let n = 20_000
        let priors = [0.6, 0.25, 0.1, 0.05]
        let task = try Generators.imbalanced(sizes: SplitSizes(train: n, validation: 1, test: 1), priors: priors, seed: 8)
        for (k, prior) in priors.enumerated() {
            let share = Double(task.train.targets.filter { $0 == Double(k) }.count) / Double(n)
            // Binomial standard error √(p(1 − p)/n); 4 of them is the tolerance.
            #expect(abs(share - prior) < 4 * (prior * (1 - prior) / Double(n)).squareRoot())
        }
        #expect(task.chanceLevel == 0.6)
    }

    @Test func priorEntropyOfTheDefaults() throws {
        // −(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.801818552543337308…, worked out separately in
        // 30-digit decimal arithmetic; 1e-12 allows for the rounding of three logarithms.
        let task = try Generators.imbalanced()
        #expect(abs(try #require(task.answer.priorEntropy) - 0.80181855254333731) < 1e-12)
        #expect(abs(task.expectedInitialLoss - log(3)) < 1e-15)
    }

    @Test func bayesAccuracyOfTwoClassesHasAClosedForm() throws {
        // Centres (2, 0) and (−2, 0): the Bayes boundary is the line x₀ = t with
        // 4t = ln(π₁/π₀), so the accuracy is π₀Φ(2 − t) + π₁Φ(2 + t). Simpson's rule meets the
        // boundary's kink, which limits it to about 1e-7.
        for priors in [[0.5, 0.5], [0.9, 0.1], [0.999, 0.001]] {
            let centres = [2.0, 0, -2, 0]
            let t = log(priors[1] / priors[0]) / 4
            let exact = priors[0] * Math.normalCDF(2 - t) + priors[1] * Math.normalCDF(2 + t)
            #expect(abs(Generators.imbalancedBayesAccuracy(priors: priors, centres: centres) - exact) < 1e-7)
        }
    }

    @Test func theLinearBayesRuleScoresTheBayesAccuracy() throws {
        let n = 20_000
        let task = try Generators.imbalanced(sizes: SplitSizes(train: n, validation: 1, test: 1), seed: 6)
        let centres = try #require(task.answer.weights["centres"]).values
        let logPriors = [0.7, 0.2, 0.1].map { log($0) }
        var correct = 0
        for i in 0..<n {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            let scores = (0..<3).map { logPriors[$0] + centres[2 * $0] * x0 + centres[2 * $0 + 1] * x1 }
            if Double(scores.indices.max { scores[$0] < scores[$1] }!) == task.train.targets[i] { correct += 1 }
        }
        let bayes = try #require(task.answer.bayesAccuracy)
        // Binomial standard error of the Monte Carlo accuracy; 4 of them is the tolerance.
        let standardError = (bayes * (1 - bayes) / Double(n)).squareRoot()
        #expect(abs(Double(correct) / Double(n) - bayes) < 4 * standardError)
        #expect(bayes > task.chanceLevel)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.imbalanced.makeTask()
        let viaFunction = try Generators.imbalanced()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters && viaCatalogue.answer == viaFunction.answer)
    }

    @Test func priorsThatDoNotSumToOneAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "imbalanced", name: "priors", value: "0.5,0.4", expected: "priors that sum to 1")) {
            try Generators.imbalanced(priors: [0.5, 0.4])
        }
    }

    @Test func aPriorBelowItsRangeIsRefused() {
        let expected = "2 to 20 comma-separated numbers, each in 0.001...1"
        #expect(throws: DatasetError.invalidValue(task: "imbalanced", name: "priors", value: "1,0", expected: expected)) {
            try Generators.imbalanced(priors: [1, 0])
        }
    }

    @Test func oneClassIsRefused() {
        let expected = "2 to 20 comma-separated numbers, each in 0.001...1"
        #expect(throws: DatasetError.invalidValue(task: "imbalanced", name: "priors", value: "1", expected: expected)) {
            try Generators.imbalanced(priors: [1])
        }
    }
}
