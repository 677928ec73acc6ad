import Foundation
import FuzzSupport
import NNBenchEngine

/// Model files (`nnbench train --model FILE`, the protocol's `build` model): `ModelSpec(jsonData:)`
/// must throw a `SpecError` or return a model, whatever the bytes.
@main
enum ModelJSONFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        _ = try? ModelSpec(jsonData: Data(input))
    }
}
