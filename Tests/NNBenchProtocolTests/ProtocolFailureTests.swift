#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import NNBenchProtocol
import Testing
import NNBenchEngine
import NNBenchModel

/// Programs that misbehave are reported as exactly what they did, with the request and the last
/// lines of their standard error, and they end, children included, with nothing left behind.
@Suite("protocol failures")
struct ProtocolFailureTests {
    /// A request never sent after the program broke the protocol did not fail itself: its error
    /// says "not run" and names where the program failed (a new user read "'build' failed").
    @Test func aRequestNeverSentIsNotRunNotFailed() {
        let error = ModelError.notRun(.build, failedAt: "gradients")
        #expect(error.isNotRun)
        #expect(error.description == "'build' not run: the program failed earlier, at 'gradients'")
        #expect(ModelError.failed(.build, "no such layer").description == "'build' failed: no such layer")
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/misbehaving_client.py").path
    static let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")

    static let spec = ModelSpec(inputShape: [3], architecture: ArchitectureSpec([.dense(units: 2)]))
    static let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    static let y = Tensor<Double>(shape: [2, 2], scalars: [0, 1, 1, 0])

    static func model(_ mode: String, timeout: Double = 1, log: ProgramLog? = nil) -> ProtocolModel {
        ProtocolModel(command: "exec python3 \(fixture) \(mode)", timeout: timeout, grace: 0.3, maxLineBytes: 1 << 20, log: log)
    }

    /// Whether a process is gone: no such process, or a zombie some other parent has yet to reap.
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    /// Runs `body` until the model's failure, then checks the report and that the process is gone.
    static func expectFailure(_ mode: String, _ fragments: [String], body: (ProtocolModel) throws -> Void) throws {
        let model = model(mode)
        _ = try model.hello()
        let pid = try #require(model.processID)
        var thrown: ModelError?
        do { try body(model) } catch { thrown = error as? ModelError }
        let report = try #require(model.failure, "mode \(mode) was not reported")
        let summary = String(report.prefix { $0 != "\n" })
        #expect(thrown.map { "\($0)" }?.contains(summary) ?? false, "\(String(describing: thrown)) does not say \(summary)")
        for fragment in fragments {
            #expect(report.contains(fragment), "the report of \(mode) lacks '\(fragment)':\n\(report)")
        }
        #expect(isGone(pid), "the program of \(mode) still runs")
        // Every further op answers with the failure, without a new program.
        #expect(throws: ModelError.self) { try model.loss(inputs: x, targets: y) }
        #expect(model.processID == nil)
    }

    @Test("a program that exits", .enabled(if: hasPython, "needs python3"))
    func exits() throws {
        try Self.expectFailure("exit", ["exited with status 3 instead of answering", "request: {", "\"op\":\"build\"", "| fatal: cannot build this model"]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
    }

    @Test("a program that closed its input: EPIPE reported as its exit, SIGPIPE's disposition untouched", .enabled(if: hasPython, "needs python3"))
    func closesInput() throws {
        // SIGPIPE's default action, whatever another test or the runner set: had the request's
        // write not blocked it, this process would end here.
        let previous = signal(SIGPIPE, SIG_DFL)
        defer { signal(SIGPIPE, previous) }
        try Self.expectFailure("close_input", ["exited with status 4 instead of answering", "\"op\":\"build\""]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
        // The library left the process-wide disposition as it found it: SIG_DFL, a null handler.
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        #expect(current.__sigaction_handler.sa_handler == nil)
    }

    @Test("a program that hangs is ended at the time limit", .enabled(if: hasPython, "needs python3"))
    func hangs() throws {
        let start = Date()
        try Self.expectFailure("hang", ["did not answer within 1 s (request 'build'); nnbench ended it with SIGTERM", "\"op\":\"build\"", "| thinking very hard", "--timeout"]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
        #expect(Date().timeIntervalSince(start) < 4)
    }

    @Test("a line that is not JSON", .enabled(if: hasPython, "needs python3"))
    func garbage() throws {
        try Self.expectFailure("garbage", ["answered a line that is not JSON", "Building the model...", "\"op\":\"build\"", "standard error"]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
    }

    @Test("a line beyond the size limit is refused before it ends", .enabled(if: hasPython, "needs python3"))
    func hugeLine() throws {
        try Self.expectFailure("huge_line", ["answered a line longer than 1048576 bytes (request 'build'); nnbench ended it", "\"op\":\"build\""]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
    }

    @Test("an answer with the wrong id", .enabled(if: hasPython, "needs python3"))
    func wrongID() throws {
        try Self.expectFailure("wrong_id", ["answered with id 3 to the request with id 2", "\"op\":\"build\""]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
        }
    }

    @Test("a tensor of the wrong shape", .enabled(if: hasPython, "needs python3"))
    func wrongShape() throws {
        try Self.expectFailure("wrong_shape", ["'y' of shape [2, 3]; expected [2, 2]", "\"op\":\"forward\""]) {
            _ = try $0.build(Self.spec, loss: .mse, seed: 1)
            _ = try $0.forward(Self.x, training: false, trace: false)
        }
    }

    @Test("a NaN loss is a value the checks judge, not a broken protocol", .enabled(if: hasPython, "needs python3"))
    func nanLoss() throws {
        let model = Self.model("nan_loss")
        _ = try model.build(Self.spec, loss: .mse, seed: 1)
        #expect(try model.loss(inputs: Self.x, targets: Self.y).isNaN)
        #expect(model.failure == nil)
        #expect(model.shutdown() == nil)
    }

    @Test("megabytes of standard error do not block the exchange", .enabled(if: hasPython, "needs python3"))
    func flood() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-flood-\(getpid()).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let model = Self.model("flood", timeout: 5, log: try ProgramLog(path: log))
        _ = try model.build(Self.spec, loss: .mse, seed: 1)
        for _ in 0..<3 { #expect(try model.loss(inputs: Self.x, targets: Self.y) == 0.25) }
        #expect(model.shutdown() == nil)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        // build, three losses and shutdown: 4 MiB each, all of it in the log.
        #expect(size == 5 * 4096 * 1024)
    }

    @Test("a program that ignores shutdown is killed after the grace period", .enabled(if: hasPython, "needs python3"))
    func ignoresShutdown() throws {
        let model = Self.model("ignore_shutdown")
        _ = try model.build(Self.spec, loss: .mse, seed: 1)
        let pid = try #require(model.processID)
        let report = try #require(model.shutdown())
        #expect(report.contains("did not exit within 0.3 s of 'shutdown'"))
        #expect(report.contains("SIGKILL"))
        #expect(Self.isGone(pid))
    }

    @Test("a child that would outlive the program ends with it", .enabled(if: hasPython, "needs python3"))
    func child() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-child-\(getpid()).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let model = Self.model("child", log: try ProgramLog(path: log))
        _ = try model.build(Self.spec, loss: .mse, seed: 1)
        let pid = try #require(model.processID)
        #expect(model.shutdown() == nil)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let child = try #require(text.split(separator: "\n").first { $0.hasPrefix("child pid ") }.flatMap { Int32($0.dropFirst(10)) })
        #expect(Self.isGone(pid))
        // SIGKILL is delivered asynchronously: give the kernel a moment.
        var gone = false
        for _ in 0..<100 where !gone { gone = Self.isGone(child); if !gone { usleep(10_000) } }
        #expect(gone, "the child \(child) outlived the program")
    }

    @Test("a command that does not exist", .enabled(if: hasPython, "needs python3"))
    func missingCommand() throws {
        let model = ProtocolModel(command: "nnbench-no-such-program-xyz", timeout: 1, grace: 0.3)
        #expect(throws: ModelError.self) { try model.hello() }
        let report = try #require(model.failure)
        #expect(report.contains("exited with status 127"), "\(report)")
        #expect(report.contains("not found"), "\(report)")
    }
}
