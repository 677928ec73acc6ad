import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("blobs")
struct BlobsTests {
    @Test(arguments: [(2.5, 1.0), (1.0, 2.0), (3.0, 0.05), (0.0, 1.0)])
    func twoBlobsGiveTheNormalCDF(radius: Double, noise: Double) {
        // Two blobs split by a line at distance R from each centre: Φ(R/σ). The quadrature's
        // error for these smooth integrands is about 1e-12; 1e-9 leaves room for erfc's rounding.
        let bayes = Generators.blobsBayesAccuracy(classes: 2, radius: radius, noise: noise)
        #expect(abs(bayes - Math.normalCDF(radius / noise)) < 1e-9)
    }

    @Test func coincidentCentresGiveChance() {
        // R = 0: every wedge holds 1/K of a point's mass. Same quadrature tolerance as above.
        #expect(abs(Generators.blobsBayesAccuracy(classes: 7, radius: 0, noise: 1) - 1.0 / 7) < 1e-9)
    }

    @Test func tinyNoiseGivesCertainty() {
        // σ/R = 4e-6: the peak is far narrower than the wedge; the quadrature must still find it.
        // The error is Φ(−R sin(π/K)/σ) and smaller, far below the 1e-9 of the quadrature.
        #expect(abs(Generators.blobsBayesAccuracy(classes: 5, radius: 100, noise: 0.01) - 1) < 1e-9)
    }

    @Test(arguments: [3, 5])
    func nearestCentreAccuracyMatchesTheBayesValue(classes: Int) throws {
        let n = 20_000
        let task = try Generators.blobs(sizes: SplitSizes(train: n, validation: 1, test: 1), classes: classes, seed: 11)
        let centres = try #require(task.answer.weights["centres"])
        #expect(centres.shape == [classes, 2])
        var correct = 0
        for i in 0..<n {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            let nearest = (0..<classes).min { a, b in
                let da = pow(x0 - centres.values[2 * a], 2) + pow(x1 - centres.values[2 * a + 1], 2)
                let db = pow(x0 - centres.values[2 * b], 2) + pow(x1 - centres.values[2 * b + 1], 2)
                return da < db
            }!
            if Double(nearest) == task.train.targets[i] { correct += 1 }
        }
        let bayes = try #require(task.answer.bayesAccuracy)
        // Binomial standard error of the Monte Carlo accuracy; 4 of them is the tolerance.
        let standardError = (bayes * (1 - bayes) / Double(n)).squareRoot()
        #expect(abs(Double(correct) / Double(n) - bayes) < 4 * standardError)
    }

    @Test func centresAreEvenlySpacedOnTheCircle() throws {
        let task = try Generators.blobs(sizes: SplitSizes(train: 8, validation: 1, test: 1), classes: 4, radius: 2)
        let centres = try #require(task.answer.weights["centres"]).values
        // Rounding of cos and sin of multiples of π/2.
        let expected: [Double] = [2, 0, 0, 2, -2, 0, 0, -2]
        #expect(zip(centres, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(task.train.targets == [0, 1, 2, 3, 0, 1, 2, 3])
        #expect(task.reference.architecture == "dense(4)")
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.blobs.makeTask()
        let viaFunction = try Generators.blobs()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaCatalogue.answer == viaFunction.answer)
    }

    @Test func classesOutsideTheirRangeAreRefused() {
        #expect(throws: DatasetError.invalidValue(task: "blobs", name: "classes", value: "21", expected: "an integer in 2...20")) {
            try Generators.blobs(classes: 21)
        }
    }

    @Test func negativeRadiusIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "blobs", name: "radius", value: "-1", expected: "a number in 0...100")) {
            try Generators.blobs(radius: -1)
        }
    }

    @Test func zeroNoiseIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "blobs", name: "noise", value: "0", expected: "a number in 0.01...100")) {
            try Generators.blobs(noise: 0)
        }
    }
}
