import Foundation
import NNBench
import Testing

/// The command line, run as a user runs it: outputs, and one test per error path with its
/// message and exit status.
@Suite("nnbench command line")
struct CLITests {
    @Test func listShowsEveryTask() throws {
        let result = try CommandRunner.run(["list"])
        #expect(result.status == 0)
        for definition in TaskCatalogue.all {
            #expect(result.output.contains("\n\(definition.name) "), "missing \(definition.name)")
        }
    }

    @Test func showPrintsTheWholeCard() throws {
        let result = try CommandRunner.run(["show", "xor"])
        #expect(result.status == 0)
        for part in ["formula", "parameters", "known answer", "0.75", "reference solution", "dense(4) tanh dense(1)", "Minsky"] {
            #expect(result.output.contains(part), "card lacks '\(part)'")
        }
    }

    @Test func generateWritesTheSameBytesAsTheLibrary() throws {
        let result = try CommandRunner.run(["generate", "xor", "--split", "all", "--noise", "0.1", "--seed", "3"])
        #expect(result.status == 0)
        let task = try Generators.xor(noise: 0.1, seed: 3)
        #expect(result.standardOutput == DatasetExport.render(task, splits: .all, format: .csv))
    }

    @Test func generateToAGzipFileCompressesAndInfersTheFormat() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "xor", "--output", "xor.npy.gz"], in: folder)
        #expect(result.status == 0 && result.standardError.isEmpty)
        let stored = try AtomicFile.read(folder.appendingPathComponent("xor.npy.gz").path, limit: 1 << 20)
        let expected = DatasetExport.render(try Generators.xor(), splits: .only(.train), format: .npy)
        #expect(try Gzip.decompress(stored, limit: 1 << 20) == expected)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(leftovers == ["xor.npy.gz"])
    }

    static let usageErrors: [([String], String)] = [
        (["show", "nope"], "nnbench: error: unknown task 'nope'; expected one of: "),
        (["generate", "xor", "--n", "0"], "nnbench: error: invalid value '0' for parameter 'n' of task 'xor'; expected an integer in 1...100000000"),
        (["generate", "xor", "--n", "many"], "nnbench: error: invalid value 'many' for parameter 'n' of task 'xor'; expected an integer in 1...100000000"),
        (["generate", "xor", "--noise", "-1"], "nnbench: error: invalid value '-1' for parameter 'noise' of task 'xor'; expected a number in 0...100"),
        (["generate", "xor", "--noise", "nan"], "nnbench: error: invalid value 'nan' for parameter 'noise' of task 'xor'; expected a number in 0...100"),
        (["generate", "xor", "--param", "classes=3"], "nnbench: error: task 'xor' has no parameter 'classes'; its parameters are: n, n-valid, n-test, noise"),
        (["generate", "xor", "--param", "classes"], "nnbench: error: invalid --param 'classes'; expected NAME=VALUE, e.g. classes=3"),
        (["generate", "xor", "--seed", "-1"], "nnbench: error: invalid --seed '-1'; expected an integer in 0...18446744073709551615"),
        (["generate", "xor", "--split", "dev"], "nnbench: error: invalid split 'dev'; expected one of: train, valid, test, all"),
        (["generate", "xor", "--format", "xlsx"], "nnbench: error: invalid format 'xlsx'; expected one of: csv, json, npy"),
        (["generate", "moons", "--output", "same.csv", "--plot", "./same.csv"], "nnbench: error: --output and --plot both name './same.csv'; give each its own path"),
        (["train", "xor", "--report", "same", "--tensorboard", "same"], "nnbench: error: --report and --tensorboard both name 'same'; give each its own path"),
    ]

    /// A folder that passes the permission test but takes no new file (`/proc`; root passes every
    /// `access`) is refused before training, not after it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self")))
    func aFolderThatTakesNoFileIsRefusedBeforeTraining() throws {
        let result = try CommandRunner.run(["train", "xor", "--epochs", "1", "--report", "/proc/x.html"])
        #expect(result.status == 2 && result.output.isEmpty, "\(result.output)")
        #expect(result.standardError.hasPrefix("nnbench: error: cannot write --report '/proc/x.html': cannot create a file in '/proc'"), "\(result.standardError)")
    }

    @Test(arguments: usageErrors)
    func usageErrorsAreOneLineWithStatus64(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix(message), "got: \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardOutput.isEmpty)
    }

    @Test func unknownOptionsAreUsageErrors() throws {
        let result = try CommandRunner.run(["generate", "xor", "--colour", "red"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--colour"))
    }

    @Test func anUnwritableOutputIsAnErrorAndLeavesNothing() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "xor", "--output", "missing/xor.csv"], in: folder)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("nnbench: error: ") && result.standardError.contains("missing/xor.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
