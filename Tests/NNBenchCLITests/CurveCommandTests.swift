import Foundation
import NNBench
import Testing

/// `nnbench curve`: the table and verdict, the same bytes at any --jobs, and each refusal.
@Suite("nnbench curve")
struct CurveCommandTests {
    static let xor = ["curve", "xor", "--arch", "dense(1)", "--n", "16", "--sizes", "4,8,16"]

    @Test func printsATableAndTheVerdictAndExits0() throws {
        let result = try CommandRunner.run(Self.xor)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("error: 1 − accuracy, mean ± standard deviation over seeds"))
        #expect(result.output.split(separator: "\n").contains { $0.hasPrefix("16  ") })
        #expect(result.output.contains("verdict: high bias\n"))
        // xor at noise 0: its 4 validation corners are all training samples; said once, on stderr.
        #expect(result.standardError.hasPrefix("nnbench: warning: every one of the 4 validation samples of task 'xor' is also a training sample"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test func theSameBytesAtAnyNumberOfJobsInTextJSONAndTheReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = folder.appendingPathComponent("one.html").path, two = folder.appendingPathComponent("two.html").path
        let serial = try CommandRunner.run(Self.xor + ["--jobs", "1", "--json", "--report", one])
        let parallel = try CommandRunner.run(Self.xor + ["--jobs", "2", "--json", "--report", two])
        #expect(serial.status == 0 && parallel.status == 0)
        #expect(serial.standardOutput == parallel.standardOutput)
        // The page differs only in the command line it quotes.
        let pageOne = try String(contentsOfFile: one, encoding: .utf8).replacingOccurrences(of: "--jobs 1", with: "").replacingOccurrences(of: one, with: "")
        let pageTwo = try String(contentsOfFile: two, encoding: .utf8).replacingOccurrences(of: "--jobs 2", with: "").replacingOccurrences(of: two, with: "")
        #expect(pageOne == pageTwo)
        #expect(pageOne.contains("data-x-scale=\"log\"") && pageOne.contains("Verdict: high bias."))
        let json = try JSONSerialization.jsonObject(with: Data(serial.standardOutput)) as? [String: Any]
        #expect((json?["diagnosis"] as? [String: Any])?["verdict"] as? String == "high bias")
        #expect((json?["points"] as? [[String: Any]])?.map { $0["size"] as? Int } == [4, 8, 16])
    }

    @Test(arguments: [
        (["--sizes", "8,4"], "the training-set sizes must increase: 4 follows 8"),
        (["--sizes", "4,32"], "the training-set size 32 is larger than the training split of task 'xor', 16 samples"),
        (["--sizes", "-5"], "invalid --sizes '-5': '-5' is not a positive integer"),
        (["--sizes", "4,x"], "invalid --sizes '4,x': 'x' is not a positive integer"),
        (["--seeds", "0"], "invalid --seeds '0'; expected an integer in 1...1000"),
        (["--jobs", "0"], "invalid --jobs '0'"),
    ])
    func badInputIsOneLineAndStatus64(extra: [String], message: String) throws {
        let result = try CommandRunner.run(Self.xor + extra)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("nnbench: error: " + message), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1 && result.standardOutput.isEmpty)
    }

    @Test func unknownTasksAndArchitecturesAreUsageErrors() throws {
        let task = try CommandRunner.run(["curve", "xr"])
        #expect(task.status == 64 && task.standardError.hasPrefix("nnbench: error: unknown task 'xr'"))
        let arch = try CommandRunner.run(["curve", "moons", "--arch", "dnse(1)"])
        #expect(arch.status == 64 && arch.standardError.hasPrefix("nnbench: error: invalid --arch"))
        let fixed = try CommandRunner.run(["curve", "parity"])
        #expect(fixed.status == 64 && fixed.standardError.hasPrefix("nnbench: error: task 'parity' has the same samples"))
    }
}
