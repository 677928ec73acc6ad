import Testing
@testable import NNBenchDatasets

@Suite("bars-stripes")
struct BarsStripesTests {
    @Test(arguments: [3, 8, 64])
    func noiseFreeImagesAreBarsOrStripesAndNeverBoth(size: Int) throws {
        let task = try Generators.barsStripes(sizes: SplitSizes(train: 40, validation: 1, test: 1), size: size, noise: 0)
        #expect(task.inputShape == [1, size, size])
        for i in 0..<task.train.count {
            let image = Array(task.train.input(i))
            #expect(image.allSatisfy { $0 == 0 || $0 == 1 })
            let rows = (0..<size).map { r in Array(image[r * size..<(r + 1) * size]) }
            let columns = (0..<size).map { c in (0..<size).map { image[$0 * size + c] } }
            let bars = rows.allSatisfy { Set($0).count == 1 }
            let stripes = columns.allSatisfy { Set($0).count == 1 }
            // Equal rows and equal columns together would be the all-off or all-on image.
            #expect(!(bars && stripes))
            #expect(task.train.targets[i] == (i % 2 == 0 ? 0 : 1))
            #expect(task.train.targets[i] == 0 ? bars : stripes)
        }
        #expect(task.answer.bayesAccuracy == 1)
    }

    @Test func linesAreOnHalfTheTime() throws {
        // 400 images × 8 lines: the share of lit pixels has standard error about
        // √(¼/3200) ≈ 0.009 (a little more for redrawn images); 4 of them is the tolerance.
        let task = try Generators.barsStripes(sizes: SplitSizes(train: 400, validation: 1, test: 1), noise: 0, seed: 3)
        let share = task.train.inputs.reduce(0, +) / Double(task.train.inputs.count)
        #expect(abs(share - 0.5) < 4 * 0.009)
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.barsStripes.makeTask()
        let viaFunction = try Generators.barsStripes()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.test == viaFunction.test)
        #expect(viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.inputShape == [1, 8, 8] && viaFunction.train.count == 1000)
    }

    @Test func sizeOutsideItsRangeIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "bars-stripes", name: "size", value: "2", expected: "an integer in 3...64")) {
            try Generators.barsStripes(size: 2)
        }
    }

    @Test func negativeNoiseIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "bars-stripes", name: "noise", value: "-1", expected: "a number in 0...100")) {
            try Generators.barsStripes(noise: -1)
        }
    }
}
