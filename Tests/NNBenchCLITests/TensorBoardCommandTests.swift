import Foundation
import NNBench
import Testing

/// `--tensorboard DIR` on `train` and `run`: where the event files go, that they are the same
/// bytes on every run, and that an unwritable folder is refused before training.
@Suite("--tensorboard")
struct TensorBoardCommandTests {
    static let file = "events.out.tfevents.0000000000.nnbench"

    @Test func trainWritesTheSameEventFileTwiceInTaskAndSeedFolders() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [[UInt8]] = []
        for name in ["a", "b"] {
            let result = try CommandRunner.run(["train", "xor", "--epochs", "3", "--seed", "2", "--tensorboard", name], in: folder)
            #expect(result.status == 0, "\(result.standardError)")
            files.append(try AtomicFile.read(folder.appendingPathComponent("\(name)/xor/seed-2/\(Self.file)").path, limit: 1 << 24))
        }
        #expect(files[0] == files[1])
        // The first record: length 15, its masked CRC, then the event holding "brain.Event:2".
        #expect(files[0].prefix(8) == [15, 0, 0, 0, 0, 0, 0, 0] && String(decoding: files[0][14..<27], as: UTF8.self) == "brain.Event:2")
    }

    @Test func anUnwritableFolderIsRefusedBeforeTraining() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write([0x41], to: folder.appendingPathComponent("file").path)
        let result = try CommandRunner.run(["train", "xor", "--epochs", "2", "--tensorboard", "file/tb"], in: folder)
        #expect(result.status == 2 && result.standardOutput.isEmpty, "\(result.output)")
        #expect(result.standardError == "nnbench: error: cannot write --tensorboard 'file/tb': cannot create the directory 'file/tb': Not a directory\n")
    }

    @Test func runWritesEveryEntryAndSeedAndStillPassesExactly() throws {
        let folder = try RunCommandTests.recorded()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["run", "all", "--suite", "tiny.json", "--baselines", "base", "--tensorboard", "tb", "--jobs", "2"], in: folder)
        #expect(result.status == 0 && result.output.contains("pass (exact)"), "\(result.output)")
        let runs = [("xor", 0..<5), ("xor-linear", 0..<2)].flatMap { entry, seeds in seeds.map { "\(entry)/seed-\($0)" } }
        for run in runs {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("tb/\(run)/\(Self.file)").path), "\(run)")
        }
    }
}
