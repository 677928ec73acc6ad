import FuzzSupport
import NNBenchHarness

/// Suite files: `Suite.parse` must throw a `SuiteError` or return a suite, whatever the bytes.
@main
enum SuiteFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        _ = try? Suite.parse(input, source: "suite 'fuzz.json'")
    }
}
