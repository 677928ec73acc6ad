import Glibc

/// Whole-file reads, and writes that never leave a partial file under the name written.
///
/// How ``write(_:to:)`` writes depends on what the path names:
///
/// - A regular file, or nothing yet: the bytes go to a hidden temporary file in the same directory,
///   are flushed to disk, and the temporary file is renamed over the target. rename(2) within one
///   file system is atomic: a reader, or the file left after a crash or a kill -9, has either the
///   old contents or the new ones, never part of either.
/// - A symbolic link: it is followed to its final target, which is replaced as above; the link
///   stays a link.
/// - The process's own descriptors (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`):
///   the bytes go into the descriptor as it is open, whatever it is open on (a file opened by the
///   shell's `>>` is appended to, after what the process printed).
/// - A device, FIFO or socket (`/dev/null`, a named pipe): the bytes are
///   written into it directly, since replacing it would put a regular file where the device was
///   (as root, in place of the system's `/dev/null`).
///
/// A temporary file is named `.NAME.PID.RANDOM.tmp`: a leading dot (hidden), the target's name (its
/// first 100 bytes), the writing process's id, a random hexadecimal number, `.tmp`. It is removed
/// when the write fails; only a process killed during its write (kill -9, power loss) leaves one,
/// never under the target's name. nnbench never reads such a file; it may be deleted.
public enum AtomicFile {
    /// Writes `bytes` to `path`: atomically for a regular file or a new one, directly into a
    /// device, FIFO or socket, and through a symbolic link to its target.
    ///
    /// A regular file written gets the usual permissions of a new file (0666 less the umask), not
    /// those of the file it replaces. If anything fails, the temporary file is removed and the
    /// target is left as it was. Writing into a FIFO waits until a reader opens it. To write a
    /// file piece by piece under the same rules, use ``Writer``.
    ///
    /// - Parameters:
    ///   - bytes: The complete new contents.
    ///   - path: The file to create or replace; its directory must exist.
    /// - Throws: ``FileError/system(path:step:code:)`` naming `path` and the step that failed
    ///   (following a link, creating the temporary file, opening, writing, flushing, renaming): a
    ///   missing or read-only directory, a full disk (`ENOSPC`, as `/dev/full` gives), a pipe
    ///   whose reader has gone (`EPIPE`: never a SIGPIPE), a directory in the way.
    /// - Complexity: O(n) for n bytes, plus two fsync(2) calls for a regular file.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let writer = try Writer(path: path)
        try writer.write(bytes)
        try writer.commit()
    }

    /// Reads a whole file.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - limit: The largest size accepted, in bytes; a larger file is refused before it is read.
    /// - Returns: The file's contents.
    /// - Throws: ``FileError/system(path:step:code:)`` when the file is missing or unreadable,
    ///   ``FileError/tooLarge(path:limit:)`` when it has more than `limit` bytes.
    /// - Complexity: O(n) for n bytes; memory O(min(n, limit)).
    public static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        precondition(limit >= 0, "negative file limit \(limit)")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(path: path, step: "open", code: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(path: path, step: "stat", code: errno) }
        let size = Int(status.st_size)
        guard size <= limit else { throw .tooLarge(path: path, limit: limit) }

        // A regular file's size is a hint, not a promise: it may grow while being read, and pipes
        // and devices report 0. Read until end of file, one byte past the limit at most.
        var bytes = [UInt8](repeating: 0, count: min(size, limit) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: min(limit + 1, 2 * filled) - filled))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                DescriptorIO.retryingInterrupted {
                    Glibc.read(descriptor, buffer.baseAddress! + filled, min(buffer.count - filled, DescriptorIO.ioChunk))
                }
            }
            guard count >= 0 else { throw .system(path: path, step: "read", code: errno) }
            filled += count
            guard filled <= limit else { throw .tooLarge(path: path, limit: limit) }
            if count == 0 {
                bytes.removeLast(bytes.count - filled)
                return bytes
            }
        }
    }

    /// Flushes a directory entry (the rename) to disk. Best effort: the new contents are already
    /// in place and flushed, and some file systems refuse fsync(2) on a directory.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The directory part of a path, trailing slashes aside: `"."` for a bare name (`x`, `x/`),
    /// `"/"` for a name in the root and for `/` itself, `a/b` for `a/b/c` and `a/b/c/`.
    /// (Foundation's `deletingLastPathComponent` traps on a one-character relative name in
    /// swift-corelibs-foundation, so no caller may use it.)
    package static func directoryName(of path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A hidden file next to the target, unique by process id and a random number, so concurrent
    /// writers (threads or processes) never share one; `O_EXCL` makes any collision an error. Only
    /// a prefix of the target's name is kept, so that a long name stays under the 255-byte limit.
    static func temporaryPath(for path: String, in directory: String) -> String {
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? Substring(path)
        // A cut inside a multi-byte character decodes as U+FFFD: still a valid file name.
        let shortName = String(decoding: name.utf8.prefix(100), as: UTF8.self)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(directory == "/" ? "" : directory)/.\(shortName).\(getpid()).\(random).tmp"
    }
}
