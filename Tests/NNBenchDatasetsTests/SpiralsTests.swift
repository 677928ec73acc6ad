import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("spirals")
struct SpiralsTests {
    /// The angle of a point turned back by four times its radius, reduced to [−π, π]: the noisy
    /// class centre `4j + noise·ε` modulo 2π.
    static func unwoundAngle(_ x: ArraySlice<Double>) -> (radius: Double, angle: Double) {
        let a = x[x.startIndex], b = x[x.startIndex + 1]
        let radius = (a * a + b * b).squareRoot()
        return (radius, remainder(atan2(a, b) - 4 * radius, 2 * Double.pi))
    }

    @Test func withoutNoiseEachPointLiesOnItsArm() throws {
        let task = try Generators.spirals(sizes: SplitSizes(train: 200, validation: 1, test: 1), classes: 4, noise: 0, seed: 6)
        for index in 0..<task.train.count {
            let arm = index % 4
            #expect(task.train.targets[index] == Double(arm))
            let (radius, angle) = Self.unwoundAngle(task.train.input(index))
            #expect(radius < 1)
            // sin, cos, atan2 and the square root each round once; 1e-9 is far above that.
            #expect(abs(remainder(angle - 4 * Double(arm), 2 * Double.pi)) < 1e-9)
        }
        #expect(task.answer.bayesAccuracy == 1)
    }

    @Test func theNearestCentreRuleReachesTheAnalyticBayesAccuracy() throws {
        let classes = 5
        let task = try Generators.spirals(
            sizes: SplitSizes(train: 20_000, validation: 1, test: 1), classes: classes, noise: 0.6, seed: 12)
        let centres = (0..<classes).map { 4 * Double($0) }
        var hits = 0
        for index in 0..<task.train.count {
            let angle = Self.unwoundAngle(task.train.input(index)).angle
            let guess = centres.indices.min { abs(remainder(angle - centres[$0], 2 * .pi)) < abs(remainder(angle - centres[$1], 2 * .pi)) }!
            if Double(guess) == task.train.targets[index] { hits += 1 }
        }
        let bayes = try #require(task.answer.bayesAccuracy)
        let n = Double(task.train.count)
        // Standard error of a proportion, √(p(1 − p) / n), about 0.3 % here; allow 4 of them.
        #expect(abs(Double(hits) / n - bayes) < 4 * (bayes * (1 - bayes) / n).squareRoot())
        #expect(bayes < 0.95)
    }

    @Test func hugeNoiseLeavesOnlyChance() {
        // Noise of many turns makes the wrapped angle uniform: the arcs' shares of the circle,
        // averaged over classes, are 1/K exactly. The wrapped tails are cut below 1e-15.
        #expect(abs(Generators.spiralsBayesAccuracy(classes: 7, noise: 50) - 1.0 / 7) < 1e-12)
    }

    @Test func classesAreBalancedAndChanceIsOneOverK() throws {
        let task = try Generators.spirals(sizes: SplitSizes(train: 30, validation: 3, test: 3), classes: 6)
        for arm in 0..<6 { #expect(task.train.targets.filter { $0 == Double(arm) }.count == 5) }
        #expect(task.chanceLevel == 1.0 / 6 && abs(task.expectedInitialLoss - log(6)) < 1e-15)
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        let viaFunction = try Generators.spirals()
        let viaCatalogue = try TaskDefinition.spirals.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.test == viaCatalogue.test)
        #expect(viaFunction.parameters == viaCatalogue.parameters && viaFunction.answer == viaCatalogue.answer)
        #expect(viaFunction.reference.architecture == "dense(100) relu dense(3)")
    }

    @Test func classesOutOfRangeAreRefused() throws {
        #expect(throws: DatasetError.invalidValue(task: "spirals", name: "classes", value: "1", expected: "an integer in 2...20")) {
            try Generators.spirals(classes: 1)
        }
    }

    @Test func negativeNoiseIsRefused() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.spirals.makeTask(["noise": "-1"]) }
        #expect(error.description == "invalid value '-1' for parameter 'noise' of task 'spirals'; expected a number in 0...100")
    }
}
