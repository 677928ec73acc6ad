import Glibc

/// Whole-file reads, and writes that replace a file atomically.
///
/// A write goes to a hidden temporary file in the target's directory, is flushed to disk, and is
/// then renamed over the target. rename(2) within one file system is atomic: a reader, or the
/// file left after a crash, has either the old contents or the new ones, never part of either.
public enum AtomicFile {
    /// The largest count passed to one read(2) or write(2); Linux moves at most about 2 GiB per call.
    static let ioChunk = 1 << 30

    /// Replaces the file at `path` with `bytes`, atomically.
    ///
    /// The new file gets the usual permissions of a new file (0666 less the umask), not those of
    /// the file it replaces. If anything fails, the temporary file is removed and the target is
    /// left as it was.
    ///
    /// - Parameters:
    ///   - bytes: The complete new contents.
    ///   - path: The file to create or replace; its directory must exist.
    /// - Throws: ``FileError/system(path:step:code:)`` naming the step that failed (creating the
    ///   temporary file, writing, flushing, renaming).
    /// - Complexity: O(n) for n bytes, plus two fsync(2) calls.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let directory = directoryName(of: path)
        let temporary = temporaryPath(for: path, in: directory)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw .system(path: path, step: "create a temporary file in '\(directory)' to write", code: errno)
        }
        var failure: FileError?
        do throws(FileError) {
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw .system(path: path, step: "flush (fsync)", code: errno) }
        } catch {
            failure = error
        }
        // close(2) can report a deferred write error (NFS), so it must succeed too; it releases the
        // descriptor even when it fails, so it is never called twice.
        if close(descriptor) != 0 && failure == nil { failure = .system(path: path, step: "close", code: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system(path: path, step: "rename a temporary file over", code: code)
        }
        syncDirectory(directory)
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
                retryingInterrupted { Glibc.read(descriptor, buffer.baseAddress! + filled, min(buffer.count - filled, ioChunk)) }
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

    /// Writes every byte, retrying partial writes and interrupted calls.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileError) {
        let failure: Int32 = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = retryingInterrupted {
                    Glibc.write(descriptor, buffer.baseAddress! + offset, min(buffer.count - offset, ioChunk))
                }
                guard count >= 0 else { return errno }
                offset += count
            }
            return 0
        }
        guard failure == 0 else { throw .system(path: path, step: "write", code: failure) }
    }

    /// Calls a read(2) or write(2) again for as long as a signal interrupts it.
    private static func retryingInterrupted(_ call: () -> Int) -> Int {
        var count: Int
        repeat { count = call() } while count < 0 && errno == EINTR
        return count
    }

    /// Flushes a directory entry (the rename) to disk. Best effort: the new contents are already
    /// in place and flushed, and some file systems refuse fsync(2) on a directory.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The directory part of a path: `"."` for a bare file name, `"/"` for a file in the root.
    static func directoryName(of path: String) -> String {
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
