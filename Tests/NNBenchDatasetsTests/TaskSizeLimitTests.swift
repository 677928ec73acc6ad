import Testing
@testable import NNBenchDatasets

/// Each size is checked against its range, but a task is held in memory whole: the product of
/// the sizes and a sample's width is refused past ``SplitBuilder/maximumValues`` with a one-line
/// error, where it used to abort in the allocator.
@Suite("Task size limit")
struct TaskSizeLimitTests {
    @Test func aTaskTooLargeForMemoryIsRefused() throws {
        let definition = try TaskCatalogue.definition(named: "counting")
        let overrides = ["n": "100000000", "length": "1000"]
        #expect(throws: DatasetError.tooLarge(task: "counting", samples: 100_001_000, valuesPerSample: 1001, limit: 1 << 30)) {
            try definition.makeTask(overrides)
        }
        // A stream draws a window at a time, and may write it.
        let source = try DatasetSource(definition, overrides: overrides, seed: 0)
        #expect(source.sizes.train == 100_000_000)
        let message = DatasetError.tooLarge(task: "counting", samples: 100_001_000, valuesPerSample: 1001, limit: 1 << 30).description
        #expect(message.hasPrefix("task 'counting' would hold 100001000 samples × 1001 values = 1e+11 values (801 GB as float64), more than the 1073741824 values (8 GiB)"), "\(message)")
    }

    @Test func theLargestTwoInputTaskFits() {
        // moons, xor, spirals... at their largest n: 10^8 training samples (and the default
        // 500 + 500) of 3 values each stay under the limit.
        #expect(100_001_000 * 3 <= SplitBuilder.maximumValues)
    }
}
