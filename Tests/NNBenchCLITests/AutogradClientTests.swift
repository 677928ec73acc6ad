import Foundation
import Testing

/// `nnbench check --exec` on examples/autograd_client: a program that offers only dense, relu,
/// tanh, mse and sgd, and computes its gradients with a scalar autograd engine. Its three
/// switchable bugs are mistakes of the engine itself, not of any one layer.
@Suite struct AutogradClientTests {
    static let client = CommandRunner.packageRoot.appendingPathComponent("examples/autograd_client/nnbench_autograd_client.py").path
    static let hasClient = FileManager.default.fileExists(atPath: client) && CheckExecTests.hasPython

    /// A hidden layer feeding three units: the relu outputs are values used several times, which
    /// is where the traversal and accumulation bugs show (with one output unit they do not).
    static let arguments = ["--arch", "dense(4) relu dense(3)", "--task", "linear", "--only", "reference,gradient,input-gradient", "--json"]

    /// Each check's status, by name, for the client with `bug` switched on (nil: the correct one).
    static func statuses(bug: String?) throws -> (status: Int32, checks: [String: String]) {
        let command = "python3 \(client)" + (bug.map { " --bug \($0)" } ?? "")
        let result = try CommandRunner.run(["check", "--exec", command] + arguments)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any], "\(result.standardError)")
        let entry = try #require((report["entries"] as? [[String: Any]])?.first)
        let results = try #require(entry["results"] as? [[String: Any]])
        var checks: [String: String] = [:]
        for check in results {
            checks[try #require(check["check"] as? String)] = check["status"] as? String
        }
        return (result.status, checks)
    }

    @Test("the correct autograd client passes", .enabled(if: hasClient, "needs python3"))
    func correctClientPasses() throws {
        let (status, checks) = try Self.statuses(bug: nil)
        #expect(status == 0)
        #expect(checks == ["reference": "passed", "gradient": "passed", "input-gradient": "passed"])
    }

    @Test(
        "each autograd bug fails the checks that can see it",
        .enabled(if: hasClient, "needs python3"),
        arguments: [
            ("backward-recursive-per-path", ["reference": "failed", "gradient": "failed", "input-gradient": "failed"]),
            ("grad-assigned-not-accumulated", ["reference": "failed", "gradient": "failed", "input-gradient": "failed"]),
            // One gradients call after build starts from zero: only repeated passes (steps) show it.
            ("grads-not-zeroed", ["reference": "failed", "gradient": "passed", "input-gradient": "passed"]),
        ])
    func bugIsCaught(bug: String, expected: [String: String]) throws {
        let (status, checks) = try Self.statuses(bug: bug)
        #expect(status == 1)
        #expect(checks == expected)
    }
}
