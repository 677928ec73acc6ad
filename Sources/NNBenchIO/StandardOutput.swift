// `stdout` is a C global that Swift 6 cannot prove free of races; stdio locks it itself.
@preconcurrency import Glibc

/// Writes to the process's standard output that report failure instead of trapping or dying of
/// SIGPIPE: a full disk (`> /dev/full`), a pipe whose reader has gone (`| head -1`), a closed
/// descriptor.
public enum StandardOutput {
    /// The name failures give standard output.
    static let name = "standard output"

    /// Writes every byte to standard output (descriptor 1), after what `print` buffered, so that
    /// the two keep their order.
    ///
    /// - Parameter bytes: What to write.
    /// - Throws: ``FileError/stream(name:step:code:)`` naming standard output and the system's
    ///   reason (`ENOSPC`, `EPIPE`, `EBADF`, ...).
    public static func write(_ bytes: [UInt8]) throws(FileError) {
        try flush()
        let code = bytes.withUnsafeBytes { DescriptorIO.writeAll($0, to: STDOUT_FILENO) }
        guard code == 0 else { throw .stream(name: name, step: "write", code: code) }
    }

    /// Writes out what `print` buffered, and reports whether any write of `print` so far failed
    /// (`print` itself reports nothing).
    ///
    /// A program calls this last, so that text it printed and that never arrived becomes an error.
    /// A SIGPIPE that `print`'s writes raise is not suppressed here: a program that wants EPIPE
    /// reported rather than to be ended by the signal ignores SIGPIPE itself.
    ///
    /// - Throws: ``FileError/stream(name:step:code:)`` naming standard output; when only an
    ///   earlier write failed, its reason is no longer known and the code is `EIO`.
    public static func flush() throws(FileError) {
        guard fflush(stdout) == 0 else { throw .stream(name: name, step: "write", code: errno) }
        guard ferror(stdout) == 0 else { throw .stream(name: name, step: "write", code: EIO) }
    }
}
