import FuzzSupport
@testable import NNBenchProtocol

/// The model protocol's answers, as a program writes them: `JSONReader` must throw a
/// `JSONReadError` or return a value, and a value it returns that `JSONWriter` writes (a finite
/// one) must read back as the same value.
@main
enum WireJSONFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        guard let value = try? JSONReader().read(input), let written = try? JSONWriter.write(value) else { return }
        guard let again = try? JSONReader().read(written) else {
            fatalError("JSONWriter's text of a value JSONReader read does not read back: \(String(decoding: written, as: UTF8.self))")
        }
        precondition(again == value, "\(String(decoding: written, as: UTF8.self)) reads back as another value")
    }
}
