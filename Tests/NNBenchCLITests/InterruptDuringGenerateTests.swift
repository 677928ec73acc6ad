import Foundation
import Glibc
import Testing

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP during `generate --output` ends the process as the signal
/// says and leaves neither a part of the data under the name nor a hidden temporary file: a
/// streamed write of 10^8 samples takes minutes and gigabytes, so its temporary file must not be
/// left behind the way a `kill -9` leaves one.
@Suite("an interrupt during generate")
struct InterruptDuringGenerateTests {
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func interruptRemovesTheTemporaryFile(signalNumber: Int32) throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = Array("old contents\n".utf8)
        FileManager.default.createFile(atPath: folder.appendingPathComponent("data.csv").path, contents: Data(old))
        let process = Process()
        process.executableURL = CommandRunner.executable
        // Far more than the wait below lets it write: the interrupt comes mid-write.
        process.arguments = ["generate", "spirals", "--n", "50000000", "--output", "data.csv"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The write is under way once the hidden temporary file exists.
        let deadline = Date().addingTimeInterval(60)
        while try !FileManager.default.contentsOfDirectory(atPath: folder.path).contains(where: { $0.hasSuffix(".tmp") }),
              Date() < deadline, process.isRunning {
            usleep(10_000)
        }
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signalNumber)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["data.csv"])
        #expect(FileManager.default.contents(atPath: folder.appendingPathComponent("data.csv").path) == Data(old))
    }
}
