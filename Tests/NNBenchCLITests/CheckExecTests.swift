import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNBench
import Testing

/// `nnbench check --exec`: a program over the model protocol, checked as a user runs it.
@Suite struct CheckExecTests {
    static let client = CommandRunner.packageRoot.appendingPathComponent("examples/numpy_client/nnbench_client.py").path
    static let fixture = CommandRunner.packageRoot.appendingPathComponent("Tests/NNBenchProtocolTests/Fixtures/misbehaving_client.py").path

    /// Whether `python3 -c CODE` runs: python3 (and, for the reference client, numpy) are there.
    static func pythonRuns(_ code: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "python3 -c '\(code)' >/dev/null 2>&1"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static let hasPython = pythonRuns("pass")
    static let hasClient = FileManager.default.fileExists(atPath: client) && pythonRuns("import numpy")

    @Test("the reference client passes with status 0", .enabled(if: hasClient, "needs python3, numpy and examples/numpy_client/nnbench_client.py"))
    func referenceClientPasses() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.client)", "--arch", "dense(8) tanh dense(2)", "--only", "reference,gradient,batch"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        #expect(result.output.contains("1 architecture checked, 0 unsupported, 0 could not be checked; checks: 3 passed"))
    }

    @Test("a bug in the client fails with status 1 and a diagnosis", .enabled(if: hasClient, "needs python3, numpy and examples/numpy_client/nnbench_client.py"))
    func clientBugFails() throws {
        let result = try CommandRunner.run([
            "check", "--exec", "python3 \(Self.client) --bug tanh-derivative-of-input", "--arch", "dense(8) tanh dense(2)", "--only", "gradient",
        ])
        #expect(result.status == 1, "\(result.output)\(result.standardError)")
        #expect(result.output.contains("gradient: worst at layer 0"))
    }

    @Test("--report writes the page of a client's check, whatever its status", .enabled(if: hasClient, "needs python3, numpy and examples/numpy_client/nnbench_client.py"))
    func clientReport() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "check", "--exec", "python3 \(Self.client) --bug tanh-derivative-of-input", "--arch", "dense(8) tanh dense(2)",
            "--only", "gradient,reference", "--report", "check.html",
        ], in: folder)
        #expect(result.status == 1, "\(result.output)\(result.standardError)")
        let html = String(decoding: try AtomicFile.read(folder.appendingPathComponent("check.html").path, limit: 1 << 24), as: UTF8.self)
        #expect(XMLParser(data: Data(html.utf8)).parse())
        #expect(html.contains("<h2>arch: dense(8) tanh dense(2) on memorize</h2>") && html.contains("id=\"arch-gradient\""))
        #expect(html.contains("id=\"arch-reference\"") && html.contains("status-bad"))
    }

    @Test("the default architectures cover the client's layers", .enabled(if: hasClient, "needs python3, numpy and examples/numpy_client/nnbench_client.py"))
    func defaultArchitectures() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.client)", "--only", "reference", "--json"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        // The client lists the recurrent layers, so the recurrent showcases come too.
        #expect(entries.map { $0["name"] as? String } == ["mlp", "sigmoid", "regression", "activations", "image", "strided", "rnn", "lstm", "gru"])
        #expect(entries.allSatisfy { $0["status"] as? String == "checked" })
        // A version 1 program lists no layer types: no recurrent row, not even an unsupported one.
        let old = try CommandRunner.run(["check", "--exec", "python3 \(Self.client) --protocol 1", "--only", "reference", "--json"])
        let oldReport = try #require(try JSONSerialization.jsonObject(with: Data(old.standardOutput)) as? [String: Any])
        let oldNames = try #require(oldReport["entries"] as? [[String: Any]]).map { $0["name"] as? String }
        #expect(oldNames == ["mlp", "sigmoid", "regression", "activations", "image", "strided"], "\(old.output)")
    }

    /// Every version-2 check runs over the wire (none skipped for a missing op), and every layer
    /// type of the protocol is gradient-checked and compared with the engine through it.
    @Test("version 2: input-gradient and training-mode comparisons run on every layer type", .enabled(if: hasClient, "needs python3 and numpy"))
    func version2RunsEverything() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.client)", "--only", "reference,gradient,input-gradient", "--json"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        var layers = Set<String>()
        for entry in entries {
            let results = try #require(entry["results"] as? [[String: Any]])
            #expect(results.allSatisfy { $0["status"] as? String == "passed" }, "\(entry["name"] ?? "")")
            let architecture = try #require(entry["architecture"] as? String)
            for name in ["dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "softplus", "gelu", "dropout", "batchnorm", "conv2d",
                         "maxpool2d", "avgpool2d", "flatten"] where architecture.contains(name + "(") || architecture.contains(name + " ") || architecture.hasSuffix(name) {
                layers.insert(name)
            }
            if architecture.contains("dropout") || architecture.contains("batchnorm") {
                let reference = try #require(results.first { $0["check"] as? String == "reference" })
                #expect((reference["notes"] as? [String])?.contains("training mode compared under the model's own dropout masks") == true)
            }
        }
        #expect(layers.count == 14, "\(layers.sorted())")
        #expect(result.output.contains("stride: 2") && result.output.contains("padding: 1") && result.output.contains("maxpool2d(2, stride: 1)"))
    }

    /// A version-1 program (`--protocol 1`) gets every check version 1 allows; the others are
    /// skipped with what they need, and layer types version 1 lacks are unsupported.
    @Test("a version 1 program still gets every check version 1 allows", .enabled(if: hasClient, "needs python3 and numpy"))
    func version1Program() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.client) --protocol 1", "--json"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        let checked = entries.filter { $0["status"] as? String == "checked" }.compactMap { $0["name"] as? String }
        #expect(checked == ["mlp", "sigmoid", "regression", "image"])
        for (index, entry) in entries.enumerated() where entry["status"] as? String == "checked" {
            for check in try #require(entry["results"] as? [[String: Any]]) {
                let status = check["status"] as? String
                if check["check"] as? String == "known-answers", index > 0 {
                    #expect(status == "skipped" && check["figure"] as? String == "checked once, with mlp")
                } else if check["check"] as? String == "input-gradient" {
                    #expect(status == "skipped" && (check["diagnosis"] as? String)?.contains("layer_gradients") == true)
                } else if check["check"] as? String == "input-baseline" {
                    // Only regression's task (linear) has a known answer that beats chance.
                    #expect(status == (entry["name"] as? String == "regression" ? "passed" : "skipped"), "\(check)")
                } else if check["check"] as? String != "ablation" {
                    #expect(status == "passed", "\(check)")
                }
            }
        }
        #expect(entries.filter { $0["status"] as? String == "unsupported" }.count == 2)
    }

    @Test("layers a program does not offer are unsupported, not failed", .enabled(if: hasPython, "needs python3"))
    func unsupportedLayers() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.fixture) good", "--only", "reference"])
        // The fixture builds dense layers only: every default architecture has an activation.
        #expect(result.status == 2)
        #expect(result.output.contains("unsupported: the program does not list the layer type 'tanh'"))
        #expect(result.output.contains("0 architectures checked, 6 unsupported"))
    }

    @Test("a hanging program is reported with its request and standard error, status 2", .enabled(if: hasPython, "needs python3"))
    func hangingProgram() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("stderr.log").path
        let start = Date()
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.fixture) hang", "--arch", "dense(2)", "--timeout", "1", "--log", log])
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(result.status == 2)
        #expect(result.output.contains("the program could not be checked: the program did not answer within 1 s (request 'build')"))
        #expect(result.output.contains(#"request: {"id":2,"loss":"softmax_ce","model":{"inputs":4,"#))
        #expect(result.output.contains("    | thinking very hard"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "thinking very hard\n")
    }

    @Test("known-answers, which builds its own models, runs once per program", .enabled(if: hasClient, "needs python3 and numpy"))
    func knownAnswersOnce() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 \(Self.client)", "--only", "known-answers", "--json"])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        let entries = try #require(report["entries"] as? [[String: Any]])
        let rows = entries.compactMap { ($0["results"] as? [[String: Any]])?.first }
        #expect(rows.count == 9)
        #expect(rows.first?["status"] as? String == "passed")
        #expect(rows.dropFirst().allSatisfy { $0["status"] as? String == "skipped" && $0["figure"] as? String == "checked once, with mlp" })
    }

    @Test("--self-test on a program that cannot be checked is status 2, not a pass", .enabled(if: hasPython, "needs python3"))
    func selfTestOfBrokenProgram() throws {
        let result = try CommandRunner.run(["check", "--exec", "python3 -c 'import sys; sys.exit(3)'", "--self-test", "--seeds", "1"])
        #expect(result.status == 2, "\(result.output)\(result.standardError)")
        #expect(result.output.contains("6 runs could not be checked; no check ran, so nothing was shown"))
        // Without hello's layer list the recurrent showcases cannot be chosen: said in one line, not dropped silently.
        let warnings = result.standardError.split(separator: "\n").filter { $0.hasPrefix("nnbench: warning: the recurrent showcases (rnn, lstm, gru) are left out: ") }
        #expect(warnings.count == 1, "\(result.standardError)")
        #expect(warnings.first?.contains("hello") == true)
    }

    @Test("--exec with an engine option is a usage error")
    func usage() throws {
        let result = try CommandRunner.run(["check", "--exec", "true", "--inject", "conv-kernel-flipped"])
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("nnbench: error: --inject has no effect with --exec, which takes only "))
        let timeout = try CommandRunner.run(["check", "--exec", "true", "--timeout", "0"])
        #expect(timeout.status == 64)
    }
}
