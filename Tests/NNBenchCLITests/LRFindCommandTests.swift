import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `nnbench lr-find`: the figures, their determinism, the warning, the page, and bad input.
@Suite("nnbench lr-find")
struct LRFindCommandTests {
    /// The linear task small enough for a full batch: SGD on it is a quadratic, which diverges
    /// past lr = 2/λ (Tests/NNBenchEngineTests/LearningRateRangeTestTests.swift); the test sees it
    /// later, at 16.7, as its smoothed loss still remembers the initial loss: the sweep goes to 1e4.
    static let linear = ["lr-find", "linear", "--n", "64", "--batch", "64", "--end", "10000"]

    @Test func theSameArgumentsPrintTheSameBytes() throws {
        let arguments = ["lr-find", "xor", "--seed", "3", "--end", "1000", "--json"]
        let first = try CommandRunner.run(arguments), second = try CommandRunner.run(arguments)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.standardOutput == second.standardOutput)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(first.standardOutput)) as? [String: Any])
        #expect(figures["configuredRate"] as? Double == 0.05 && figures["seed"] as? Int == 3)
        let test = try #require(figures["test"] as? [String: Any])
        #expect((test["points"] as? [Any])?.isEmpty == false)
    }

    @Test("a configured rate past the divergence is a warning, and the status stays 0")
    func warning() throws {
        let result = try CommandRunner.run(Self.linear + ["--optimizer", "sgd(lr: 50)"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("divergence  lr ") })
        #expect(lines.last?.hasPrefix("warning: the configured learning rate 50 is past the divergence point") == true, "\(result.output)")
        // The table's rule has one run of dashes per titled column: four, none under the marks.
        let header = try #require(lines.firstIndex { $0.hasPrefix("step  ") })
        #expect(lines[header + 1].split(separator: " ").count == 4, "\(lines[header + 1])")
        // A rate far below the steep point gets no line: that note fired on every reference optimizer.
        let low = try CommandRunner.run(Self.linear + ["--optimizer", "sgd(lr: 1e-6)"])
        #expect(low.status == 0)
        #expect(!low.output.contains("warning") && !low.output.contains("note:"), "\(low.output)")
    }

    @Test("--report writes the curve on a log x axis with the steep, divergence and configured lines")
    func report() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("lr.html").path
        let result = try CommandRunner.run(Self.linear + ["--optimizer", "sgd(lr: 0.1)", "--report", path])
        #expect(result.status == 0)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(XMLParser(data: Data(html.utf8)).parse())
        #expect(html.contains("data-x-scale=\"log\""))
        for label in ["steep", "divergence", "configured"] {
            #expect(html.contains("class=\"reference\" data-label=\"\(label)\""), "no reference line '\(label)'")
        }
        #expect(html.components(separatedBy: "class=\"series\"").count - 1 >= 2)
        #expect(html.contains("data-label=\"configured\" data-value=\"0.1\""))
    }

    @Test("bad input is one line and status 64", arguments: [
        (["--start", "1", "--end", "1"], "invalid --start: expected a start below the end, got start 1 and end 1"),
        (["--start", "0"], "invalid --start: expected a positive learning rate, got 0"),
        (["--end", "-1"], "invalid --end: expected a positive learning rate, got -1"),
        (["--steps", "1"], "invalid --steps: expected at least 2 steps, got 1"),
        (["--steps", "99999999999"], "invalid --steps: expected at most 100000 steps, got 99999999999"),
        (["--optimizer", "sgdd(lr: 1)"], "invalid --optimizer"),
        (["--arch", "dnse(1)"], "invalid --arch"),
        (["--start", "abc"], "nnbench: error:"),
        (["--end", "abc"], "expected a positive number such as 1e-7 or 10"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(["lr-find", "xor"] + arguments)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("nnbench: error: ") && result.standardError.contains(message), "\(result.standardError)")
        #expect(result.output.isEmpty)
        if !arguments.contains("--arch") {
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        }
    }

    @Test("a configured rate above --end is untested: its own assessment and a line saying what to run")
    func beyondSweep() throws {
        let result = try CommandRunner.run(["lr-find", "xor", "--optimizer", "sgd(lr: 100)", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        #expect(figures["divergence"] == nil || figures["divergence"] is NSNull, "xor under SGD does not diverge below 10")
        #expect(figures["assessment"] as? String == "beyond-sweep")
        let text = try CommandRunner.run(["lr-find", "xor", "--optimizer", "sgd(lr: 100)"])
        #expect(text.output.split(separator: "\n").last == "warning: the configured learning rate 100 is above the sweep's end 10: the test never tried it; run with --end above it, e.g. --end 1000")
    }

    @Test("too few steps for the suggestions: the line says how many are needed")
    func tooFewSteps() throws {
        let result = try CommandRunner.run(["lr-find", "xor", "--steps", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("steep       none: no step is left for it after the first 0 and the last 5 of the 2 recorded (fastai's window; it needs 2); run --steps 7 or more"), "\(result.output)")
        #expect(result.output.contains("minimum     none: no step is left for it after the first 0 and the last 5 of the 2 recorded (fastai's window; it needs 1); run --steps 6 or more"), "\(result.output)")
    }

    @Test func anUnknownTaskIsAUsageError() throws {
        let result = try CommandRunner.run(["lr-find", "xorr"])
        #expect(result.status == 64 && result.standardError.hasPrefix("nnbench: error: "))
    }
}
