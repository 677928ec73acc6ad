import Foundation
import Glibc
import Testing
@testable import NNBenchIO

/// What a write does to what its path names: a device or FIFO is written into (never replaced),
/// a symbolic link is followed (and stays a link), and every failure names the path.
@Suite("Atomic file: devices, FIFOs, links and failures")
struct AtomicFileTargetTests {
    @Test("a null device is written into and stays the device")
    func nullDevice() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let device = try SpecialFiles.device("null", minor: 3, in: directory)
        try AtomicFile.write(pseudoRandomBytes(count: 100_000, seed: 1), to: device)
        #expect(SpecialFiles.isMemoryDevice(device, minor: 3), "\(device) is no longer the null device")
        // No temporary file was made beside it either.
        if SpecialFiles.isRoot { #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["null"]) }
    }

    @Test("a full device gives ENOSPC naming the path, and stays the device")
    func fullDevice() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let device = try SpecialFiles.device("full", minor: 7, in: directory)
        let error = #expect(throws: FileError.self) { try AtomicFile.write([1, 2, 3], to: device) }
        #expect(error == .system(path: device, step: "write", code: ENOSPC))
        #expect(error?.description == "cannot write '\(device)': No space left on device")
        #expect(SpecialFiles.isMemoryDevice(device, minor: 7))
    }

    @Test("a FIFO is written into, in full, and stays a FIFO")
    func fifo() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = "\(directory)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Several times the 64 KiB a pipe holds, so that the write waits for the reader.
        let bytes = pseudoRandomBytes(count: 1_000_000, seed: 2)
        let reader = FIFOReader(path: fifo, closeAfter: nil)
        try AtomicFile.write(bytes, to: fifo)
        #expect(reader.finish() == bytes)
        #expect(SpecialFiles.type(fifo) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["pipe"])
    }

    @Test("a FIFO whose reader leaves gives EPIPE, not a SIGPIPE, naming the path")
    func fifoReaderLeaves() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = "\(directory)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // SIGPIPE's default action, whatever another test or the runner set: had the write not
        // blocked it, this process would end here.
        let previous = signal(SIGPIPE, SIG_DFL)
        defer { signal(SIGPIPE, previous) }
        let reader = FIFOReader(path: fifo, closeAfter: 1000)
        let error = #expect(throws: FileError.self) {
            try AtomicFile.write(pseudoRandomBytes(count: 1_000_000, seed: 3), to: fifo)
        }
        #expect(error == .system(path: fifo, step: "write", code: EPIPE))
        #expect(reader.finish()?.count == 1000)
        // The write took its SIGPIPE: none is left pending for this thread.
        var pending = sigset_t()
        sigpending(&pending)
        #expect(sigismember(&pending, SIGPIPE) == 0)
    }

    @Test("a socket is not replaced: opening it fails, naming the path")
    func socket() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/socket"
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8.prefix(buffer.count - 1))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(throws: FileError.system(path: path, step: "open to write", code: ENXIO)) {
            try AtomicFile.write([1], to: path)
        }
        #expect(SpecialFiles.type(path) == S_IFSOCK)
    }

    @Test("a symbolic link is followed: its target is replaced, the link stays a link")
    func symbolicLink() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: false)
        let target = "\(directory)/data/target.csv"
        try AtomicFile.write([1, 1, 1, 1], to: target)
        // A relative link, into another directory, reached through a second link.
        #expect(symlink("data/target.csv", "\(directory)/first") == 0)
        #expect(symlink("first", "\(directory)/second") == 0)
        try AtomicFile.write([2, 2], to: "\(directory)/second")
        #expect(try AtomicFile.read(target, limit: 10) == [2, 2])
        #expect(SpecialFiles.type("\(directory)/first") == S_IFLNK)
        #expect(SpecialFiles.type("\(directory)/second") == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["data", "first", "second"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/data") == ["target.csv"])
    }

    @Test("a link to a file not yet written creates the file; the link stays a link")
    func danglingLink() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(symlink("\(directory)/new.csv", "\(directory)/link") == 0)
        try AtomicFile.write([7], to: "\(directory)/link")
        #expect(try AtomicFile.read("\(directory)/new.csv", limit: 10) == [7])
        #expect(SpecialFiles.type("\(directory)/link") == S_IFLNK)
    }

    @Test("a loop of links is ELOOP, naming the path")
    func linkLoop() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(symlink("b", "\(directory)/a") == 0)
        #expect(symlink("a", "\(directory)/b") == 0)
        #expect(throws: FileError.system(path: "\(directory)/a", step: "follow the symbolic links of", code: ELOOP)) {
            try AtomicFile.write([1], to: "\(directory)/a")
        }
        #expect(SpecialFiles.type("\(directory)/a") == S_IFLNK)
    }

    @Test("a read-only directory is reported with the path, and nothing is left in it",
          .enabled(if: SpecialFiles.canMakeReadOnlyDirectory, "as root, needs a read-only tmpfs mount, which is not permitted here"))
    func readOnlyDirectory() throws {
        try SpecialFiles.withReadOnlyDirectory { directory in
            let path = "\(directory)/data.bin"
            let error = #expect(throws: FileError.self) { try AtomicFile.write([1], to: path) }
            guard case .system(let reported, let step, let code) = error else { return }
            #expect(reported == path)
            #expect(step == "create a temporary file in '\(directory)' to write")
            // Permissions say EACCES; a read-only file system (root's case here) says EROFS.
            #expect(code == (SpecialFiles.isRoot ? EROFS : EACCES))
            let listing = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(listing == [])
        }
    }

    @Test("a full file system fails the write: the old file stays whole and no temporary file is left",
          .enabled(if: SpecialFiles.canMountSmallFileSystem, "needs root and a tmpfs mount"))
    func fullFileSystem() throws {
        try SpecialFiles.withSmallFileSystem(kilobytes: 256) { directory in
            let path = "\(directory)/data.bin"
            let old = pseudoRandomBytes(count: 100_000, seed: 4)
            try AtomicFile.write(old, to: path)
            let error = #expect(throws: FileError.self) {
                try AtomicFile.write(pseudoRandomBytes(count: 400_000, seed: 5), to: path)
            }
            guard case .system(let reported, _, let code) = error else { return }
            #expect(reported == path)
            #expect(code == ENOSPC)
            let kept = try AtomicFile.read(path, limit: 1 << 20)
            #expect(kept == old)
            let listing = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(listing == ["data.bin"])
        }
    }
}

/// Reads a FIFO on its own thread: opens it (which lets the writer's open proceed), reads it to
/// its end or until `closeAfter` bytes, then closes it.
final class FIFOReader: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(path: String, closeAfter limit: Int?) {
        Thread { [self] in
            let descriptor = open(path, O_RDONLY)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while descriptor >= 0 {
                let wanted = limit.map { min($0 - bytes.count, chunk.count) } ?? chunk.count
                guard wanted > 0 else { break }
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, wanted) }
                guard count > 0 else { break }
                bytes += chunk[..<count]
            }
            if descriptor >= 0 { close(descriptor) }
            done.signal()
        }.start()
    }

    /// Waits for the reader to close the FIFO and returns what it read, or `nil` after 10 s: a
    /// reader still waiting then for a writer means the write went anywhere but into the FIFO.
    func finish() -> [UInt8]? {
        guard done.wait(timeout: .now() + 10) == .success else { return nil }
        return bytes
    }
}
