import FuzzSupport
import NNBenchEngine

/// `--optimizer`, `--schedule` and `--clip` strings: each parser must throw a `SpecError` or
/// return a spec whose canonical text reads back as the same spec. One input goes to all three,
/// as they share the call syntax `name(option: value, ...)`.
@main
enum OptimizerSpecFuzzer {
    static func main() { runFuzzer(test) }

    static func test(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        if let spec = try? OptimizerSpec(parsing: text) {
            precondition((try? OptimizerSpec(parsing: spec.description)) == spec, "optimizer \(spec.description.debugDescription) does not read back")
        }
        if let spec = try? ScheduleSpec(parsing: text) {
            precondition((try? ScheduleSpec(parsing: spec.description)) == spec, "schedule \(spec.description.debugDescription) does not read back")
        }
        if let spec = try? ClipSpec(parsing: text) {
            precondition((try? ClipSpec(parsing: spec.description)) == spec, "clip \(spec.description.debugDescription) does not read back")
        }
    }
}
