import Testing
@testable import NNBenchDatasets

/// A streamed export (samples drawn window by window, blocks rendered on several threads) must
/// give the bytes of the whole task rendered at once, for every task, format and selection.
@Suite("Streaming export")
struct StreamingExportTests {
    static let selections: [SplitSelection] = [.all, .only(.train), .only(.validation), .only(.test)]

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func streamedBytesAreTheWholeTasks(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let overrides = CatalogueContractTests.small(definition, train: 41)
        let whole = try definition.makeTask(overrides, seed: 3)
        let source = try DatasetSource(definition, overrides: overrides, seed: 3)
        let rowValues = whole.inputShape.reduce(1, *) + whole.targetShape.reduce(1, *)
        for format in DatasetFormat.allCases {
            for selection in Self.selections {
                // Blocks of 3 samples (and for JSON's separators, of 1) put block edges everywhere
                // a layout could get them wrong: between values, rows, tensors and splits.
                for (rows, threads) in [(1, 1), (3, 3)] where rows == 3 || (selection == .all && format == .json) {
                    var streamed: [UInt8] = []
                    DatasetExport.write(source, splits: selection, format: format, threads: threads, blockValues: rows * rowValues) {
                        streamed += $0
                    }
                    #expect(streamed == DatasetExport.render(whole, splits: selection, format: format),
                            "\(name) \(format) \(selection) in blocks of \(rows)")
                }
            }
        }
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func windowHoldsTheWindowsSamplesAlone(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let overrides = CatalogueContractTests.small(definition, train: 41)
        let window = SampleWindow(split: .validation, range: 5..<9)
        guard let part = try definition.makeTask(overrides, seed: 1, window: window) else {
            // Only a fixed set is never drawn in part, and it has no size parameters.
            #expect(try definition.sizes(overrides) == nil)
            return
        }
        let whole = try definition.makeTask(overrides, seed: 1)
        #expect(part.train.count == 0 && part.test.count == 0)
        #expect(part.validation.inputs == Array(whole.validation.inputs[5 * whole.validation.inputWidth..<9 * whole.validation.inputWidth]))
        #expect(part.validation.targets == Array(whole.validation.targets[5 * whole.validation.targetWidth..<9 * whole.validation.targetWidth]))
    }

    @Test func splitDrawnOnManyThreadsIsTheSameAsOneByOne() throws {
        // More samples than one block of SplitBuilder, so that several threads draw the split.
        let definition = try TaskCatalogue.definition(named: "moons")
        let overrides = ["n": String(SplitBuilder.blockSize + 5), "n-valid": "1", "n-test": "1"]
        let whole = try definition.makeTask(overrides, seed: 9)
        var rows: [Double] = []
        for start in stride(from: 0, to: whole.train.count, by: 2000) {
            let window = SampleWindow(split: .train, range: start..<start + 2000)
            rows += try #require(try definition.makeTask(overrides, seed: 9, window: window)).train.inputs
        }
        #expect(rows == whole.train.inputs)
    }
}
