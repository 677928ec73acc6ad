import Testing
@testable import NNBenchDatasets

@Suite("logistic")
struct LogisticTests {
    /// The generated samples with their true scores `x·W + b`.
    static func scores(_ split: Split, answer: KnownAnswer) throws -> [Double] {
        let weights = try #require(answer.weights["W"]).values
        let bias = try #require(answer.weights["b"]).values[0]
        return (0..<split.count).map { index in zip(split.input(index), weights).reduce(bias) { $0 + $1.0 * $1.1 } }
    }

    @Test func theBayesRuleReachesTheAnalyticAccuracy() throws {
        let task = try Generators.logistic(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), inputs: 3, seed: 8)
        let bayes = try #require(task.answer.bayesAccuracy)
        let scores = try Self.scores(task.train, answer: task.answer)
        let hits = zip(scores, task.train.targets).filter { ($0 > 0 ? 1 : 0) == $1 }.count
        let n = Double(task.train.count)
        let accuracy = Double(hits) / n
        // A proportion of n Bernoulli trials has standard error √(p(1 − p) / n), 0.3 % here.
        #expect(abs(accuracy - bayes) < 4 * (bayes * (1 - bayes) / n).squareRoot())
        // The task is neither trivial nor hopeless at this scale of weights.
        #expect(bayes > 0.6 && bayes < 0.99)
    }

    @Test func quadratureAgreesWithTheMeanOfTheConditionalAccuracy() throws {
        // E[σ(|s|)] over the generated scores estimates the Bayes accuracy without label noise.
        let task = try Generators.logistic(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), seed: 1)
        let values = try Self.scores(task.train, answer: task.answer).map { Math.sigmoid(abs($0)) }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        // Standard error of a mean: sample standard deviation / √n; allow 4 of them.
        #expect(abs(mean - (try #require(task.answer.bayesAccuracy))) < 4 * deviation / n.squareRoot())
    }

    @Test func chanceLevelIsTheMajorityClassFrequency() throws {
        let task = try Generators.logistic(sizes: SplitSizes(train: 20_000, validation: 1, test: 1), seed: 5)
        let n = Double(task.train.count)
        let positives = task.train.targets.reduce(0, +) / n
        let majority = max(positives, 1 - positives)
        // Standard error of a proportion, √(p(1 − p) / n); allow 4 of them.
        #expect(abs(majority - task.chanceLevel) < 4 * (majority * (1 - majority) / n).squareRoot())
        let p = task.chanceLevel
        #expect(abs(try #require(task.answer.priorEntropy) - Math.entropy([p, 1 - p])) < 1e-12)
    }

    @Test func theReferenceTargetIsBelowTheBayesRuleOnTheTestSplit() throws {
        let task = try Generators.logistic(seed: 2)
        let scores = try Self.scores(task.test, answer: task.answer)
        let hits = zip(scores, task.test.targets).filter { ($0 > 0 ? 1 : 0) == $1 }.count
        // The target is exactly 0.02 below the Bayes rule's test accuracy; only rounding differs.
        #expect(abs(task.reference.target.value - (Double(hits) / Double(task.test.count) - 0.02)) < 1e-12)
        #expect(task.reference.architecture == "dense(1)")
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.logistic()
        let viaCatalogue = try TaskDefinition.logistic.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.answer == viaCatalogue.answer)
    }

    @Test func inputsOutOfRangeAreRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.logistic.makeTask(["inputs": "0"]) }
        #expect(error.description == "invalid value '0' for parameter 'inputs' of task 'logistic'; expected an integer in 1...1024")
    }
}
