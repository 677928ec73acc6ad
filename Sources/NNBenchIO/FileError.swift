import Glibc

/// Why a file could not be read or written. Its description is one line that names the path and
/// what went wrong.
public enum FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed; `step` says what was being done, `code` is the `errno` value.
    case system(path: String, step: String, code: Int32)
    /// A system call on a stream with no path failed: `name` is e.g. `standard output`.
    case stream(name: String, step: String, code: Int32)
    /// The file holds more bytes than the caller accepts.
    case tooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case .system(let path, let step, let code):
            return "cannot \(step) '\(path)': \(String(cString: strerror(code)))"
        case .stream(let name, let step, let code):
            return "cannot \(step) \(name): \(String(cString: strerror(code)))"
        case .tooLarge(let path, let limit):
            return "file '\(path)' is larger than the limit of \(limit) bytes"
        }
    }
}
