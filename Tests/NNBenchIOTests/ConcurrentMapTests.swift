import NNBenchIO
import Testing

@Suite("Array.concurrentMap")
struct ConcurrentMapTests {
    /// The result is `map`'s, in order, at every number of threads: more threads than elements,
    /// none, and an uneven split.
    @Test(arguments: [0, 1, 2, 3, 8, 200])
    func theResultIsMapsInOrder(threads: Int) {
        for count in [0, 1, 7, 64] {
            let values = Array(0..<count)
            #expect(values.concurrentMap(threads: threads) { $0 * $0 + 1 } == values.map { $0 * $0 + 1 })
        }
    }
}
