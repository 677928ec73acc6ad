import FuzzSupport
import NNBenchEngine

/// `--arch` strings: `ArchitectureSpec(parsing:)` must throw a `SpecError` or return a spec, and a
/// spec's canonical text must read back as the same spec (suites store specs as that text).
@main
enum ArchitectureSpecFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        guard let spec = try? ArchitectureSpec(parsing: text) else { return }
        let canonical = spec.description
        guard let again = try? ArchitectureSpec(parsing: canonical) else {
            fatalError("the canonical text of \(text.debugDescription) does not parse: \(canonical.debugDescription)")
        }
        precondition(again == spec, "\(canonical.debugDescription) reads back as another spec")
    }
}
