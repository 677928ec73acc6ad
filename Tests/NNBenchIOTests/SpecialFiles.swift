import Foundation
import Glibc

/// Files that are not regular files, for the tests of what a write does to them.
enum SpecialFiles {
    static let isRoot = geteuid() == 0

    /// A character device that behaves as `/dev/null` (major 1, minor 3) or `/dev/full` (1, 7).
    ///
    /// As root, a private node made with mknod(2) in `directory`, so that a write that wrongly
    /// replaced it would replace that node, never the system's own device. Otherwise the system's
    /// device itself, which a user other than root cannot replace (nor, then, harm).
    static func device(_ name: String, minor: UInt32, in directory: String) throws -> String {
        guard isRoot else { return "/dev/\(name)" }
        let path = "\(directory)/\(name)"
        guard mknod(path, S_IFCHR | 0o666, memoryDevice(minor)) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return path
    }

    /// The device number of major 1 (memory devices) and `minor`, in Linux's encoding of numbers
    /// under 256 (glibc's `makedev` is a macro, which Swift cannot call).
    static func memoryDevice(_ minor: UInt32) -> dev_t { dev_t(1 << 8 | minor) }

    /// Whether `path` is a character device with the given minor number (of major 1).
    static func isMemoryDevice(_ path: String, minor: UInt32) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR && status.st_rdev == memoryDevice(minor)
    }

    /// The type bits of what `path` names, without following a link.
    static func type(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    /// Whether a read-only directory can be made: by permissions for a user other than root (whom
    /// they do not stop), by a read-only tmpfs mount for root where mounting is permitted.
    static let canMakeReadOnlyDirectory: Bool = {
        guard isRoot else { return true }
        guard let directory = try? makeScratchDirectory() else { return false }
        defer { rmdir(directory) }
        guard mount("nnbench-test", directory, "tmpfs", UInt(MS_RDONLY), "size=64k") == 0 else { return false }
        umount2(directory, 0)
        return true
    }()

    /// Whether a small tmpfs can be mounted, to fill a file system on purpose (root only).
    static var canMountSmallFileSystem: Bool { isRoot && canMakeReadOnlyDirectory }

    /// Runs `body` with a directory in which nothing can be created, made as
    /// ``canMakeReadOnlyDirectory`` says; it is removed afterwards.
    static func withReadOnlyDirectory(_ body: (String) throws -> Void) throws {
        let directory = try makeScratchDirectory()
        defer { rmdir(directory) }
        if isRoot {
            guard mount("nnbench-test", directory, "tmpfs", UInt(MS_RDONLY), "size=64k") == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            defer { umount2(directory, 0) }
            try body(directory)
        } else {
            chmod(directory, 0o555)
            defer { chmod(directory, 0o755) }
            try body(directory)
        }
    }

    /// Runs `body` with the mount point of a fresh tmpfs of `kilobytes` KiB (root only); it is
    /// unmounted and removed afterwards.
    static func withSmallFileSystem(kilobytes: Int, _ body: (String) throws -> Void) throws {
        let directory = try makeScratchDirectory()
        defer { rmdir(directory) }
        guard mount("nnbench-test", directory, "tmpfs", 0, "size=\(kilobytes)k") == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        defer { umount2(directory, Int32(MNT_DETACH)) }
        try body(directory)
    }

    private static func makeScratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-mount-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }
}
