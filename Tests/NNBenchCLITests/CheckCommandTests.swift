import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBench
import Testing

/// `nnbench check`: the table, the diagnoses, JSON, and the exit statuses 0, 1, 2 and 64.
@Suite("nnbench check")
struct CheckCommandTests {
    static let arch = ["--arch", "dense(8) tanh dense(8) relu dense(3)", "--task", "memorize", "--param", "classes=3"]

    @Test func aCorrectEnginePassesWithStatus0() throws {
        let result = try CommandRunner.run(["check"] + Self.arch + ["--only", "gradient,batch"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("check     status  figure"))
        #expect(result.output.contains("\ngradient  passed") && result.output.contains("\nbatch     passed"))
    }

    @Test func anInjectedBugFailsWithStatus1AndADiagnosis() throws {
        let result = try CommandRunner.run(["check"] + Self.arch + ["--only", "gradient", "--inject", "dense-missing-bias-gradient"])
        #expect(result.status == 1)
        #expect(result.output.contains("gradient: worst at layer "))
        #expect(result.output.contains("  likely causes: ") && result.output.contains("the bias gradient missing"))
    }

    @Test func reportWritesThePageAndKeepsTheStatus() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["check"] + Self.arch + ["--only", "gradient,reference,batch", "--inject", "dense-missing-bias-gradient", "--report", "check.html"], in: folder)
        #expect(result.status == 1 && result.output.contains("gradient: worst at layer "), "\(result.standardError)")
        let html = String(decoding: try AtomicFile.read(folder.appendingPathComponent("check.html").path, limit: 1 << 24), as: UTF8.self)
        #expect(XMLParser(data: Data(html.utf8)).parse())
        #expect(html.contains("<h2>Gradient check, per tensor</h2>") && html.contains("<h2>Against the reference engine, layer by layer</h2>"))
        #expect(html.contains("dense-missing-bias-gradient"))
        // Refused before any check runs: an unwritable file (2), a mode that writes no report (64).
        let unwritable = try CommandRunner.run(["check"] + Self.arch + ["--report", "/nonexistent/dir/c.html"], in: folder)
        #expect(unwritable.status == 2 && unwritable.output.isEmpty)
        #expect(unwritable.standardError.hasPrefix("nnbench: error: cannot write --report '/nonexistent/dir/c.html'"))
        let matrix = try CommandRunner.run(["check", "--inject-all", "--report", "m.html"], in: folder)
        #expect(matrix.status == 64 && matrix.standardError.hasPrefix("nnbench: error: --report has no effect with --inject-all"))
    }

    @Test func jsonCarriesEveryField() throws {
        let result = try CommandRunner.run(["check"] + Self.arch + ["--only", "numerics", "--inject", "softmax-without-max", "--json"])
        #expect(result.status == 1)
        let results = try JSONDecoder().decode([CheckResult].self, from: Data(result.standardOutput))
        #expect(results.count == 1 && results[0].check == "numerics" && results[0].status == .failed)
        #expect(results[0].diagnosis?.contains("with logits near ±1000") == true)
    }

    @Test func everyBugIsListed() throws {
        let result = try CommandRunner.run(["check", "--list-bugs"])
        #expect(result.status == 0)
        for fault in Fault.allCases { #expect(result.output.contains("\n\(fault.rawValue) "), "\(fault)") }
    }

    static let usageErrors: [([String], String)] = [
        (["check", "--task", "xorr"], "nnbench: error: unknown task 'xorr'"),
        (["check", "--arch", "dense(2)", "--inject", "typo"], "nnbench: error: unknown bug 'typo'; expected one of: relu-backward-passes-negative, "),
        (["check", "--arch", "dense(2)", "--only", "gradiant"], "nnbench: error: unknown check 'gradiant'; expected one of: init, reference, "),
        (["check", "--arch", "dense(2)", "--precision", "half"], "nnbench: error: invalid --precision 'half'; expected one of: float32, float64"),
        (["check", "--arch", "dense(3)"], "nnbench: error: invalid --arch for task 'memorize':"),
    ]

    @Test(arguments: usageErrors)
    func usageErrorsHaveStatus64(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix(message), "\(result.standardError)")
    }

    @Test("an injected bug without --arch is checked on its showcase, and caught")
    func injectedBugOnItsShowcase() throws {
        let result = try CommandRunner.run(["check", "--inject", "bias-gradient-averaged", "--only", "reference"])
        #expect(result.status == 1, "\(result.output)\(result.standardError)")
        #expect(result.output.hasPrefix("mlp: dense(8) tanh dense(8) relu dense(3) on memorize\n"))
        #expect(result.output.contains("the gradient of 4.weight agrees, so this layer's output gradient is right: the bug is in 4.bias's own gradient"))
    }

    @Test("without --arch, the task's reference architecture, as train does")
    func taskReferenceArchitecture() throws {
        let result = try CommandRunner.run(["check", "--task", "xor", "--only", "gradient"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        #expect(result.output.hasPrefix("xor: dense(4) tanh dense(1) on xor\n"), "\(result.output)")
        let memorize = try CommandRunner.run(["check", "--only", "gradient"])
        #expect(memorize.status == 0 && memorize.output.hasPrefix("memorize: "), "\(memorize.output)")
    }

    @Test("--arch takes a JSON model file as train does; one that is not a model is status 2")
    func modelFile() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = #"{"inputs": [4], "layers": [{"type": "dense", "units": 8}, {"type": "tanh"}, {"type": "dense", "units": 2}]}"#
        try Data(model.utf8).write(to: folder.appendingPathComponent("model.json"))
        let result = try CommandRunner.run(["check", "--arch", "model.json", "--only", "gradient"], in: folder)
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        try Data("{\"inputs\": [4], \"layers\": [{\"type\": \"dense\"}]}".utf8).write(to: folder.appendingPathComponent("bad.json"))
        let bad = try CommandRunner.run(["check", "--arch", "bad.json"], in: folder)
        #expect(bad.status == 2 && bad.standardError.hasPrefix("nnbench: error: bad.json: "), "\(bad.standardError)")
        let missing = try CommandRunner.run(["check", "--arch", "missing.json"], in: folder)
        #expect(missing.status == 2, "\(missing.standardError)")
    }
}
