import FuzzSupport
import NNBenchIO
@testable import NNBenchBaselines

/// Baseline files (gzip around JSON), read as `BaselineFile.read` reads a file's bytes: inflate
/// within the limit, then check the envelope and decode the record. Either step may throw; neither
/// may crash.
@main
enum BaselineFileFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        guard let bytes = try? Gzip.decompress(input, limit: BaselineFile.inflatedLimit) else { return }
        _ = try? BaselineFile.decode(bytes, path: "fuzz.json.gz")
    }
}
