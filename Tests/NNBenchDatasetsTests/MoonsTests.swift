import Foundation
import Testing
@testable import NNBenchDatasets

@Suite("moons")
struct MoonsTests {
    @Test func noiseFreePointsLieOnTheMoonOfTheirLabel() throws {
        let task = try Generators.moons(sizes: SplitSizes(train: 200, validation: 10, test: 10), noise: 0)
        for i in 0..<task.train.count {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            // cos² + sin² = 1 up to a few rounding errors of a double.
            if task.train.targets[i] == 0 {
                #expect(abs(x0 * x0 + x1 * x1 - 1) < 1e-12 && x1 >= 0)
            } else {
                let u = 1 - x0, v = 0.5 - x1
                #expect(abs(u * u + v * v - 1) < 1e-12 && x1 <= 0.5)
            }
        }
        #expect(task.train.targets.prefix(4) == [0, 1, 0, 1])
        #expect(task.answer.bayesAccuracy == 1)
    }

    @Test func noiseHasTheRequestedStandardDeviation() throws {
        // The test cannot see t, so it measures each outer point's distance from the unit circle:
        // the radial part of the noise, up to a bias of O(σ²) ≈ 0.005 from the tangential part.
        // Over n = 2000 points the sample standard deviation has standard error σ/√(2n) ≈ 0.0016;
        // the tolerance is 4 of them plus the bias.
        let task = try Generators.moons(sizes: SplitSizes(train: 4000, validation: 1, test: 1), seed: 3)
        var squares = 0.0, count = 0
        for i in stride(from: 0, to: task.train.count, by: 2) {
            let x0 = task.train.inputs[2 * i], x1 = task.train.inputs[2 * i + 1]
            let d = (x0 * x0 + x1 * x1).squareRoot() - 1
            squares += d * d
            count += 1
        }
        #expect(abs((squares / Double(count)).squareRoot() - 0.1) < 4 * 0.0016 + 0.005)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.moons.makeTask()
        let viaFunction = try Generators.moons()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 1000 && viaFunction.validation.count == 500 && viaFunction.test.count == 500)
    }

    @Test func noiseOutsideItsRangeIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "moons", name: "noise", value: "101", expected: "a number in 0...100")) {
            try Generators.moons(noise: 101)
        }
    }

    @Test func emptyTestSplitIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "moons", name: "n-test", value: "0", expected: "an integer in 1...100000000")) {
            try Generators.moons(sizes: SplitSizes(train: 1, validation: 1, test: 0))
        }
    }
}
