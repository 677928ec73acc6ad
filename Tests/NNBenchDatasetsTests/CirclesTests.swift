import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("circles")
struct CirclesTests {
    @Test func noiseFreePointsLieOnTheCircleOfTheirLabel() throws {
        let task = try Generators.circles(sizes: SplitSizes(train: 200, validation: 10, test: 10), factor: 0.3, noise: 0)
        for i in 0..<task.train.count {
            let x = task.train.input(i)
            let radius = (x[x.startIndex] * x[x.startIndex] + x[x.startIndex + 1] * x[x.startIndex + 1]).squareRoot()
            let label = task.train.targets[i]
            // cos² + sin² = 1 up to a few rounding errors of a double.
            #expect(abs(radius - (label == 1 ? 0.3 : 1)) < 1e-12)
            #expect((radius < (1 + 0.3) / 2) == (label == 1))
        }
        #expect(task.answer.bayesAccuracy == 1)
    }

    @Test func theHalfPlaneBoundIsReachedByTheTangentChord() throws {
        // The half-plane x₀ ≤ factor holds the whole inner circle and the outer circle but for the
        // arc |θ| < arccos(factor): its accuracy is the linear bound. With 10⁴ samples the standard
        // error of an accuracy near 0.6 is √(0.6·0.4/10⁴) ≈ 0.005; 4 of them is the tolerance.
        let task = try Generators.circles(sizes: SplitSizes(train: 10_000, validation: 1, test: 1), noise: 0, seed: 1)
        var correct = 0
        for i in 0..<task.train.count {
            let predicted: Double = task.train.inputs[2 * i] <= 0.8 ? 1 : 0
            if predicted == task.train.targets[i] { correct += 1 }
        }
        let bound = try #require(task.answer.linearBound)
        #expect(abs(bound - (0.5 + acos(0.8) / (2 * Double.pi))) < 1e-15)
        #expect(abs(Double(correct) / Double(task.train.count) - bound) < 4 * 0.005)
    }

    @Test func noiseHasTheRequestedStandardDeviation() throws {
        // Inner points (radius 0.8) with noise 0.05: the distance from the circle is nearly the
        // radial noise component, so its standard deviation is 0.05 up to O(σ²/r) ≈ 0.003 and the
        // sampling error √(1/2n)·σ ≈ 0.001 for n = 1000.
        let task = try Generators.circles(sizes: SplitSizes(train: 2000, validation: 1, test: 1), seed: 2)
        var squares = 0.0, count = 0
        for i in stride(from: 1, to: task.train.count, by: 2) {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            let d = (x0 * x0 + x1 * x1).squareRoot() - 0.8
            squares += d * d
            count += 1
        }
        #expect(abs((squares / Double(count)).squareRoot() - 0.05) < 0.005)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.circles.makeTask()
        let viaFunction = try Generators.circles()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 1000 && viaFunction.validation.count == 500 && viaFunction.test.count == 500)
    }

    @Test func factorOutsideItsRangeIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "circles", name: "factor", value: "1", expected: "a number in 0.01...0.99")) {
            try Generators.circles(factor: 1)
        }
    }

    @Test func negativeNoiseIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "circles", name: "noise", value: "-0.5", expected: "a number in 0...100")) {
            try Generators.circles(noise: -0.5)
        }
    }

    @Test func emptySplitIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "circles", name: "n", value: "0", expected: "an integer in 1...100000000")) {
            try Generators.circles(sizes: SplitSizes(train: 0, validation: 1, test: 1))
        }
    }
}
