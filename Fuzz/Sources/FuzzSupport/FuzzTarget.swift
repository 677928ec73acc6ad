import FuzzerDriver
import Glibc

/// The test of the running fuzzer; set once, before libFuzzer starts, and only read after.
nonisolated(unsafe) private var currentTest: ([UInt8]) -> Void = { _ in }

/// Runs libFuzzer with the process's arguments (its options, corpus folders or crash files),
/// calling `test` on every input, and exits with libFuzzer's status.
///
/// - Parameter test: One input's test. It returns when the parser under test behaved (returned a
///   value or threw its error) and traps otherwise, which libFuzzer reports as a crash with the
///   input that caused it.
public func runFuzzer(_ test: @escaping ([UInt8]) -> Void) -> Never {
    currentTest = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        // libFuzzer passes a null pointer for the empty input.
        currentTest(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    })
}
