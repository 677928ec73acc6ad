#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ArraySlice<UInt8> {
    /// The index of the first newline (0x0A), found with memchr(3): programs write megabytes of
    /// output and standard error, and a byte-by-byte loop in an unoptimised or sanitized build
    /// costs seconds on them.
    var firstNewline: Int? {
        withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base, 0x0A, buffer.count) else { return nil }
            return startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        }
    }
}
