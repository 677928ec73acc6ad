/// Why gzip data could not be decompressed. Its description is one line that says what was wrong.
public enum GzipError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The data stops before the end of the gzip member (a truncated file).
    case endsEarly(inputBytes: Int)
    /// zlib rejected the data; the message is zlib's (`incorrect header check`, `incorrect data
    /// check` for a CRC-32 mismatch, `incorrect length check`, `invalid block type`, ...).
    case corrupt(String)
    /// Bytes follow the end of the gzip member.
    case trailingData(bytes: Int)
    /// The data inflates to more than the limit, in bytes.
    case exceedsLimit(Int)
    /// zlib failed for a reason other than the data (out of memory), with its status code.
    case zlib(status: Int32, message: String?)

    public var description: String {
        switch self {
        case .endsEarly(let count):
            return "gzip data ends early: \(count) bytes do not hold a complete gzip member"
        case .corrupt(let message):
            return "gzip data is corrupt: \(message)"
        case .trailingData(let count):
            return "gzip data has \(count) unexpected bytes after the end of the gzip member"
        case .exceedsLimit(let limit):
            return "gzip data inflates to more than the limit of \(limit) bytes"
        case .zlib(let status, let message):
            return "zlib failed with status \(status)\(message.map { ": \($0)" } ?? "")"
        }
    }
}
