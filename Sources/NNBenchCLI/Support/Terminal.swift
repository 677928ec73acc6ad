import Foundation

/// Whether output goes to a person at a terminal, who gets progress bars redrawn in place, or to
/// a pipe, a file or a CI log (the `CI` variable set), which get plain lines.
enum Terminal {
    /// Whether `descriptor` is a terminal and `CI` is not set.
    ///
    /// - Parameter descriptor: A file descriptor, e.g. `STDERR_FILENO`.
    /// - Returns: `true` for an interactive terminal.
    static func isInteractive(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }
}
