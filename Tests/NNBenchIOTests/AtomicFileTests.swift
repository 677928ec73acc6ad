import Foundation
import Glibc
import Testing
@testable import NNBenchIO

@Suite("Atomic file")
struct AtomicFileTests {
    @Test func writesAndReadsBack() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = pseudoRandomBytes(count: 300_000, seed: 6)
        try AtomicFile.write(bytes, to: "\(directory)/data.bin")
        #expect(try AtomicFile.read("\(directory)/data.bin", limit: bytes.count) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["data.bin"])
    }

    @Test func overwritesWithShorterContents() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/data.bin"
        try AtomicFile.write([UInt8](repeating: 7, count: 1000), to: path)
        try AtomicFile.write([1, 2, 3], to: path)
        #expect(try AtomicFile.read(path, limit: 1000) == [1, 2, 3])
        try AtomicFile.write([], to: path)
        #expect(try AtomicFile.read(path, limit: 1000) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["data.bin"])
    }

    @Test func longFileNamesWork() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 250 bytes: a temporary name built from the whole name would pass the 255-byte limit.
        let path = "\(directory)/\(String(repeating: "n", count: 250))"
        try AtomicFile.write([42], to: path)
        #expect(try AtomicFile.read(path, limit: 1) == [42])
    }

    @Test func missingDirectoryIsReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/missing/data.bin"
        let error = #expect(throws: FileError.self) { try AtomicFile.write([1], to: path) }
        guard case .system(let reported, _, let code) = error else {
            Issue.record("expected a system error, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(code == ENOENT)
        #expect(error!.description.contains(path))
        #expect(error!.description.hasSuffix("No such file or directory"))
    }

    @Test func failedRenameLeavesTheTargetAndNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A non-empty directory cannot be replaced by a file: the write gets as far as rename(2).
        let target = "\(directory)/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try AtomicFile.write([5, 6], to: "\(target)/kept")
        #expect(throws: FileError.system(path: target, step: "rename a temporary file over", code: EISDIR)) {
            try AtomicFile.write([1, 2, 3], to: target)
        }
        #expect(try AtomicFile.read("\(target)/kept", limit: 10) == [5, 6])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["target"])
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores directory permissions, so the write cannot be made to fail"))
    func failedWriteLeavesAnExistingFile() throws {
        let directory = try makeTemporaryDirectory()
        defer {
            chmod(directory, 0o755)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let path = "\(directory)/data.bin"
        try AtomicFile.write([1, 2, 3], to: path)
        chmod(directory, 0o555)
        #expect(throws: FileError.self) { try AtomicFile.write([9, 9], to: path) }
        #expect(try AtomicFile.read(path, limit: 10) == [1, 2, 3])
    }

    @Test func readReportsAMissingFile() throws {
        let path = "/nonexistent-nnbench/data.bin"
        let error = #expect(throws: FileError.self) { try AtomicFile.read(path, limit: 10) }
        #expect(error == .system(path: path, step: "open", code: ENOENT))
        #expect(error?.description == "cannot open '/nonexistent-nnbench/data.bin': No such file or directory")
    }

    @Test func readRefusesALargerFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/data.bin"
        try AtomicFile.write([UInt8](repeating: 1, count: 100), to: path)
        #expect(try AtomicFile.read(path, limit: 100).count == 100)
        #expect(throws: FileError.tooLarge(path: path, limit: 99)) { try AtomicFile.read(path, limit: 99) }
    }

    @Test func readStopsAnEndlessDeviceAtTheLimit() {
        // /dev/zero reports size 0 and never ends: only the limit stops the read.
        #expect(throws: FileError.tooLarge(path: "/dev/zero", limit: 100_000)) {
            try AtomicFile.read("/dev/zero", limit: 100_000)
        }
    }

    @Test func readReportsADirectory() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: FileError.system(path: directory, step: "read", code: EISDIR)) {
            try AtomicFile.read(directory, limit: 1_000_000)
        }
    }

    @Test func directoryNames() {
        #expect(AtomicFile.directoryName(of: "data.bin") == ".")
        #expect(AtomicFile.directoryName(of: "/data.bin") == "/")
        #expect(AtomicFile.directoryName(of: "a/b/data.bin") == "a/b")
        // One character, trailing slashes, the root: where Foundation traps or keeps the slash.
        #expect(AtomicFile.directoryName(of: "x") == ".")
        #expect(AtomicFile.directoryName(of: "x/") == ".")
        #expect(AtomicFile.directoryName(of: "a/b/c//") == "a/b")
        #expect(AtomicFile.directoryName(of: "/x/") == "/")
        #expect(AtomicFile.directoryName(of: "/") == "/")
        #expect(AtomicFile.temporaryPath(for: "/data.bin", in: "/").hasPrefix("/.data.bin.\(getpid()).") == true)
    }
}

@Suite("AtomicFile.Writer")
struct AtomicFileWriterTests {
    /// The names in a directory, hidden ones (temporary files) included.
    static func names(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func piecesReplaceTheTargetOnlyAtCommit() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.csv"
        try AtomicFile.write(Array("old\n".utf8), to: path)
        let writer = try AtomicFile.Writer(path: path)
        try writer.write(Array("new ".utf8))
        try writer.write(Array("data\n".utf8))
        // Before the commit, a reader still sees the old contents.
        #expect(try AtomicFile.read(path, limit: 100) == Array("old\n".utf8))
        try writer.commit()
        #expect(try AtomicFile.read(path, limit: 100) == Array("new data\n".utf8))
        #expect(try Self.names(in: directory) == ["data.csv"])
    }

    @Test func droppedWriterLeavesTheTargetAndNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.csv"
        try AtomicFile.write(Array("old\n".utf8), to: path)
        do {
            let writer = try AtomicFile.Writer(path: path)
            try writer.write(Array("partial".utf8))
            #expect(try Self.names(in: directory).count == 2)
        }
        #expect(try AtomicFile.read(path, limit: 100) == Array("old\n".utf8))
        #expect(try Self.names(in: directory) == ["data.csv"])
    }

    @Test func deviceIsWrittenInPlace() throws {
        let writer = try AtomicFile.Writer(path: "/dev/null")
        try writer.write([1, 2, 3])
        try writer.commit()
    }

    @Test func fullDeviceIsReported() throws {
        let writer = try AtomicFile.Writer(path: "/dev/full")
        #expect(throws: FileError.self) { try writer.write([1, 2, 3]) }
    }
}
