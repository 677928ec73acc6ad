import Foundation
import Glibc
import NNBench
import Testing

/// `kill -9` at varied moments of the commands that write results: every file they write is, after
/// the kill, either its old complete contents or its new complete contents, never a part; a
/// temporary file left by the kill is hidden beside it, named `.NAME.PID.HEX.tmp`, never under the
/// final name.
///
/// Half the kills come after a random delay over the command's whole run; the other half wait for
/// a temporary file to appear, the moment a write is under way, and kill within 2 ms of it.
/// `NNBENCH_KILL_ROUNDS` sets the kills per command (default 10).
@Suite("kill -9 during a write")
struct KillDuringWriteTests {
    static let rounds = ProcessInfo.processInfo.environment["NNBENCH_KILL_ROUNDS"].flatMap { Int($0) } ?? 10

    /// A command and the files it writes, relative to the folder it runs in.
    struct Scenario {
        let arguments: [String]
        /// Folders to create before the command runs (it expects them), relative.
        var folders: [String] = []
    }

    /// What the kills found.
    struct Tally: CustomStringConvertible {
        var killed = 0, finished = 0, allOld = 0, allNew = 0, mixed = 0, leftovers = 0
        var description: String {
            "\(killed) killed (\(finished) had finished); files all old \(allOld), all new \(allNew), some of each \(mixed); \(leftovers) temporary files left"
        }
    }

    @Test("generate --output")
    func generate() throws {
        try Self.killRepeatedly(Scenario(arguments: ["generate", "spirals", "--n", "300000", "--output", "data.csv"]), seed: 1)
    }

    @Test("baseline record")
    func baselineRecord() throws {
        try Self.killRepeatedly(Scenario(arguments: ["baseline", "record", "xor", "--seeds", "3", "--jobs", "1", "--baselines", "bl"], folders: ["bl"]), seed: 2)
    }

    @Test("manifest record")
    func manifestRecord() throws {
        try Self.killRepeatedly(Scenario(arguments: ["manifest", "record", "--directory", "datasets"]), seed: 3)
    }

    /// Runs the scenario once to completion to learn its files and duration, then `rounds` times
    /// from "old" files, killing it, and checks every file and leftover after each kill.
    static func killRepeatedly(_ scenario: Scenario, seed: UInt64) throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.path
        for sub in scenario.folders { try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true) }

        let start = Date()
        let complete = try CommandRunner.run(scenario.arguments, in: folder)
        let duration = Date().timeIntervalSince(start)
        try #require(complete.status == 0, "\(complete.standardError)")
        let newFiles = try files(under: root)
        try #require(!newFiles.isEmpty)
        try #require(newFiles.keys.allSatisfy { !isTemporary($0) })
        // Complete files that are not the new ones, as an earlier version would be.
        let oldFiles = newFiles.mapValues { Array("old, complete contents of this file (\($0.count) bytes new)\n".utf8) }
        let folders = Set(newFiles.keys.map { URL(fileURLWithPath: "\(root)/\($0)").deletingLastPathComponent().path })

        var random = SplitMix64(seed: seed)
        var tally = Tally()
        for round in 0..<rounds {
            for (path, bytes) in oldFiles { try AtomicFile.write(bytes, to: "\(root)/\(path)") }
            for leftover in try files(under: root).keys where isTemporary(leftover) {
                try FileManager.default.removeItem(atPath: "\(root)/\(leftover)")
            }

            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = scenario.arguments
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if round.isMultiple(of: 2) {
                usleep(UInt32(Double(random.next() % 1000) / 1000 * duration * 1.1 * 1e6))
            } else {
                let deadline = Date().addingTimeInterval(duration * 3 + 1)
                while process.isRunning, Date() < deadline, !temporaryFileExists(in: folders) { usleep(200) }
                usleep(UInt32(random.next() % 2000))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            tally.killed += 1
            if process.terminationReason == .exit {
                tally.finished += 1
                #expect(process.terminationStatus == 0)
            }

            let found = try files(under: root)
            var old = 0, new = 0
            for (path, newBytes) in newFiles {
                let bytes = try #require(found[path], "round \(round): \(path) is gone")
                if bytes == newBytes { new += 1 } else if bytes == oldFiles[path] { old += 1 } else {
                    Issue.record("round \(round): \(path) is neither its old nor its new contents (\(bytes.count) bytes, new \(newBytes.count))")
                }
            }
            if new == newFiles.count { tally.allNew += 1 } else if old == newFiles.count { tally.allOld += 1 } else { tally.mixed += 1 }
            for path in found.keys where newFiles[path] == nil {
                #expect(isTemporary(path), "round \(round): an unexpected file \(path)")
                let name = String(path.split(separator: "/").last!)
                #expect(name.contains(".\(process.processIdentifier)."), "round \(round): \(name) does not name the killed process")
                tally.leftovers += 1
            }
        }
        print("kill -9 of nnbench \(scenario.arguments.prefix(2).joined(separator: " ")) (\(String(format: "%.2f", duration)) s a run): \(tally)")
    }

    /// A temporary file of `AtomicFile`: `.NAME.PID.HEX.tmp`.
    static func isTemporary(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.hasPrefix(".") && parts.count >= 5 && parts.last == "tmp"
            && parts[parts.count - 3].allSatisfy(\.isNumber) && parts[parts.count - 2].allSatisfy(\.isHexDigit)
    }

    static func temporaryFileExists(in folders: Set<String>) -> Bool {
        folders.contains { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains(where: isTemporary)
        }
    }

    /// Every regular file under `root`, by path relative to it, with its contents.
    static func files(under root: String) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[path] = try AtomicFile.read("\(root)/\(path)", limit: 1 << 30)
        }
        return result
    }
}

/// SplitMix64: the kill delays are reproducible from the seed, if not the moments they fall on.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
