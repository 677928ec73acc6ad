import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("random-labels")
struct RandomLabelsTests {
    @Test func labelsAreUncorrelatedWithEveryFeature() throws {
        let n = 20_000, features = 8
        let task = try Generators.randomLabels(sizes: SplitSizes(train: n, validation: 1, test: 1), features: features, seed: 12)
        let labels = task.train.targets
        let labelMean = labels.reduce(0, +) / Double(n)
        let labelSpread = (labels.reduce(0) { $0 + ($1 - labelMean) * ($1 - labelMean) } / Double(n)).squareRoot()
        for j in 0..<features {
            let column = (0..<n).map { task.train.inputs[$0 * features + j] }
            let mean = column.reduce(0, +) / Double(n)
            let spread = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            let covariance = zip(column, labels).reduce(0) { $0 + ($1.0 - mean) * ($1.1 - labelMean) } / Double(n)
            // The correlation of independent variables has standard error 1/√n ≈ 0.007; 4 of them
            // is the tolerance (over 8 features a false alarm has chance about 5e-4).
            #expect(abs(covariance / (spread * labelSpread)) < 4 / Double(n).squareRoot())
        }
    }

    @Test func labelFrequenciesAreUniform() throws {
        let n = 20_000, classes = 4
        let task = try Generators.randomLabels(sizes: SplitSizes(train: n, validation: 1, test: 1), features: 1, classes: classes, seed: 13)
        for k in 0..<classes {
            let share = Double(task.train.targets.filter { $0 == Double(k) }.count) / Double(n)
            // Binomial standard error √(¼·¾/n) ≈ 0.003; 4 of them is the tolerance.
            #expect(abs(share - 0.25) < 4 * (0.25 * 0.75 / Double(n)).squareRoot())
        }
        #expect(task.answer.bayesAccuracy == 0.25 && task.chanceLevel == 0.25)
    }

    @Test func inputsAreStandardNormal() throws {
        // 256 × 16 = 4096 values: the standard error of the mean is 1/64 ≈ 0.016 and of the
        // variance √(2/4096) ≈ 0.022; 4 of each is the tolerance.
        let task = try Generators.randomLabels()
        let values = task.train.inputs
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 4 * 0.016 && abs(variance - 1) < 4 * 0.022)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.randomLabels.makeTask()
        let viaFunction = try Generators.randomLabels()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 256 && viaFunction.inputShape == [16] && viaFunction.kind == .multiclass(classes: 2))
    }

    @Test func featuresOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "random-labels", name: "features", value: "0", expected: "an integer in 1...1024")) {
            try Generators.randomLabels(features: 0)
        }
    }

    @Test func classesOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "random-labels", name: "classes", value: "101", expected: "an integer in 2...100")) {
            try Generators.randomLabels(classes: 101)
        }
    }
}
