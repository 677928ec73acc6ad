import Foundation
import Glibc
import NNBench
import Testing

/// Where the command line writes: every failure, standard output's included, is exit status 2
/// with one line naming what could not be written, and no device, FIFO or link is replaced.
@Suite("nnbench output paths")
struct OutputPathTests {
    static let isRoot = geteuid() == 0

    /// A device that behaves as `/dev/full` (major 1, minor 7): as root a private mknod(2) node
    /// in `folder`, so that a wrong replacement can never hit the system's; otherwise the
    /// system's own, which only root could replace.
    static func fullDevice(in folder: URL) throws -> String {
        guard isRoot else { return "/dev/full" }
        let path = folder.appendingPathComponent("full").path
        // Linux's device number for major 1, minor 7 (glibc's makedev is a macro Swift cannot call).
        try #require(mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
        return path
    }

    static func isCharacterDevice(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }

    /// Checks status 2 and one line on standard error, `nnbench: error: ` and `message`.
    static func expectOneLineError(_ result: CommandRunner.Result, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "status \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError == "nnbench: error: \(message)\n", sourceLocation: sourceLocation)
    }

    @Test("standard output on a full disk: status 2, one line")
    func standardOutputFull() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CommandRunner.run(["generate", "spirals", "--n", "100"], standardOutput: full)
        Self.expectOneLineError(result, "cannot write standard output: No space left on device")
    }

    @Test("standard output on a closed pipe: status 2 (EPIPE), not death by SIGPIPE")
    func standardOutputClosedPipe() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let result = try CommandRunner.run(["generate", "spirals", "--n", "100"], standardOutput: pipe.fileHandleForWriting)
        Self.expectOneLineError(result, "cannot write standard output: Broken pipe")
    }

    @Test("printed text that cannot be written: status 2, one line")
    func printedTextFull() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CommandRunner.run(["list"], standardOutput: full)
        Self.expectOneLineError(result, "cannot write standard output: No space left on device")
    }

    /// `--output /dev/stdout` writes into standard output as the shell opened it: into a pipe,
    /// and into a file opened with `>>` after what was there and what the command printed, never
    /// replacing the file (which would drop both).
    @Test("--output /dev/stdout and /dev/fd/1: into the open descriptor, appending under >>")
    func outputIntoStandardOutput() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try CommandRunner.run(["generate", "xor", "--n", "3"]).standardOutput
        for path in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
            let piped = try CommandRunner.run(["generate", "xor", "--n", "3", "--output", path])
            #expect(piped.status == 0 && piped.standardOutput == expected, "\(path): \(piped.standardError)")
            let file = folder.appendingPathComponent("log").path
            FileManager.default.createFile(atPath: file, contents: Data("before\n".utf8))
            let appending = try #require(FileHandle(forWritingAtPath: file))
            try appending.seekToEnd()
            let result = try CommandRunner.run(["generate", "xor", "--n", "3", "--output", path], standardOutput: appending)
            try appending.close()
            #expect(result.status == 0, "\(path): \(result.standardError)")
            #expect(FileManager.default.contents(atPath: file) == Data("before\n".utf8) + Data(expected), "\(path)")
        }
    }

    @Test("--output on a full device: status 2 naming it, and the device stays")
    func outputFullDevice() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.fullDevice(in: folder)
        let result = try CommandRunner.run(["generate", "xor", "--output", device])
        Self.expectOneLineError(result, "cannot write '\(device)': No space left on device")
        #expect(Self.isCharacterDevice(device))
    }

    @Test("the default suite written to a full device: status 2 naming it")
    func defaultSuiteFullDevice() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.fullDevice(in: folder)
        let result = try CommandRunner.run(["run", "--write-default-suite", "--suite", device])
        Self.expectOneLineError(result, "cannot write '\(device)': No space left on device")
        #expect(Self.isCharacterDevice(device))
    }

    @Test("--output into a FIFO: written into, in full")
    func outputFIFO() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let read = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var received = Data()
        Thread {
            received = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()
            read.signal()
        }.start()
        let result = try CommandRunner.run(["generate", "xor", "--n", "5000", "--output", fifo])
        #expect(result.status == 0, "\(result.standardError)")
        try #require(read.wait(timeout: .now() + 10) == .success, "the FIFO's reader got no writer")
        #expect(Array(received) == DatasetExport.render(try Generators.xor(sizes: SplitSizes(train: 5000, validation: 100, test: 100)), splits: .only(.train), format: .csv))
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("--output through a symbolic link: the target is replaced, the link stays")
    func outputSymbolicLink() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("data.csv").path
        try AtomicFile.write(Array("old\n".utf8), to: target)
        try #require(symlink("data.csv", folder.appendingPathComponent("link.csv").path) == 0)
        let result = try CommandRunner.run(["generate", "xor", "--output", "link.csv"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try AtomicFile.read(target, limit: 1 << 20) == DatasetExport.render(try Generators.xor(), splits: .only(.train), format: .csv))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("link.csv").path) == "data.csv")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["data.csv", "link.csv"])
    }

    @Test("--output in a missing folder: status 2, one line naming the path")
    func outputMissingFolder() throws {
        let result = try CommandRunner.run(["generate", "xor", "--output", "/nonexistent-nnbench/xor.csv"])
        Self.expectOneLineError(
            result, "cannot write --output '/nonexistent-nnbench/xor.csv': the folder '/nonexistent-nnbench' does not exist")
    }

    @Test("--output in a folder where nothing may be created: status 2, one line naming the path",
          .enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "needs sysfs at /sys"))
    func outputReadOnlyFolder() throws {
        // sysfs refuses new files to everyone, root included (whom permissions would not stop).
        let result = try CommandRunner.run(["generate", "xor", "--output", "/sys/xor.csv"])
        Self.expectOneLineError(result, "cannot write --output '/sys/xor.csv': cannot create a file in '/sys': Permission denied")
    }

    @Test("check --log on a full device: the report, then status 2 naming the log",
          .enabled(if: CheckExecTests.hasClient, "needs python3, numpy and examples/numpy_client/nnbench_client.py"))
    func checkLogFullDevice() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.fullDevice(in: folder)
        // The reference client passes; a line on its standard error is what the log cannot take.
        let command = "echo starting >&2; exec python3 \(CheckExecTests.client)"
        let arguments = ["check", "--exec", command, "--arch", "dense(8) tanh dense(2)", "--only", "reference"]
        let passing = try CommandRunner.run(arguments + ["--log", folder.appendingPathComponent("log").path])
        #expect(passing.status == 0, "\(passing.output)\(passing.standardError)")
        let result = try CommandRunner.run(arguments + ["--log", device])
        #expect(result.output == passing.output)
        Self.expectOneLineError(result, "cannot write the log '\(device)': No space left on device")
        #expect(Self.isCharacterDevice(device))
    }
}
