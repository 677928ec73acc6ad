import Foundation
import Testing

/// A signal that ends nnbench (Ctrl-C, a CI job's timeout) ends the program `check --exec` runs,
/// with its children: a program busy computing never sees its standard input close, and was
/// left running under init (a new user's trial found it).
@Suite("signals")
struct SignalTests {
    @Test("SIGINT and SIGTERM to nnbench end the program it runs, and its children", arguments: [SIGINT, SIGTERM])
    func signalEndsTheProgram(signal: Int32) throws {
        let marker = "nnbench-signal-test-\(UUID().uuidString)"
        let fixture = CommandRunner.packageRoot.appendingPathComponent("Tests/NNBenchProtocolTests/Fixtures/misbehaving_client.py").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        // Mode "hang" answers hello, then sleeps for 300 s in build; the marker only names it.
        process.arguments = ["check", "--exec", "python3 \(fixture) hang \(marker)", "--arch", "dense(1)", "--task", "sum", "--timeout", "120"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Wait until the program runs (its command line holds the marker), up to 30 s.
        let start = Date()
        while Self.processes(containing: marker).isEmpty, Date().timeIntervalSince(start) < 30 { usleep(20_000) }
        try #require(!Self.processes(containing: marker).isEmpty, "the program never started")
        usleep(300_000)  // into build's sleep
        kill(process.processIdentifier, signal)
        // SIGKILL to the group is immediate; give the kernel a moment to reap. Measured before
        // waiting for nnbench, whose exit Foundation may report only once its descendants close
        // what they inherited.
        let end = Date()
        while !Self.processes(containing: marker).isEmpty, Date().timeIntervalSince(end) < 5 { usleep(20_000) }
        let left = Self.processes(containing: marker)
        #expect(left.isEmpty, "still running: \(left)")
        for pid in left { kill(pid, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
    }

    /// The pids of live processes (not zombies) whose command line contains `text`, nnbench's own
    /// excepted: the program's shell and the program.
    static func processes(containing text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                  let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: commandLine, as: UTF8.self).contains(text),
                  !(String(decoding: commandLine.prefix { $0 != 0 }, as: UTF8.self).hasSuffix("nnbench")),
                  let status = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  !status.contains(") Z ") else { return nil }
            return pid
        }
    }
}
