import ArgumentParser
import Foundation
import NNBenchIO

/// The documented exit statuses of `nnbench`.
enum ExitStatus {
    /// A check failed or a result regressed.
    static let failed = ExitCode(1)
    /// The work could not be done: an unreadable, unwritable or corrupt file.
    static let error = ExitCode(2)
    /// A usage error: an unknown task, option or value (sysexits' EX_USAGE).
    static let usage = ExitCode(64)
}

/// Prints `nnbench: error: <message>` as one line on standard error and returns the exit code to
/// throw, so that a command ends with a clear line and a documented status, never a stack trace.
///
/// - Parameters:
///   - message: What went wrong, naming the bad value and what was expected.
///   - status: The exit status.
/// - Returns: The exit code, for `throw`.
func failure(_ message: String, status: ExitCode) -> ExitCode {
    writeToStandardError("nnbench: error: \(message)\n")
    return status
}

/// Writes to standard error, ignoring failure: there is nowhere left to report it, and a closed
/// or full standard error must not stop the work (FileHandle's `write` would trap).
func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = DescriptorIO.writeAll(UnsafeRawBufferPointer($0), to: STDERR_FILENO) }
}
