import Foundation
import NNBench
import Testing

/// The rules every command keeps (issue 12): one-line errors, one exit-status rule, no option
/// silently ignored, and help with examples and exit statuses.
@Suite("nnbench command-line rules")
struct CommandLineRulesTests {
    /// Runs `arguments` in the package's root and checks the status and the one-line message.
    static func expectError(_ arguments: [String], status: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandRunner.run(arguments, in: CommandRunner.packageRoot)
        #expect(result.status == status, "\(arguments): status \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.hasPrefix("nnbench: error: " + message), "\(arguments): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): not one line: \(result.standardError)", sourceLocation: sourceLocation)
    }

    static let argumentParserErrors: [([String], String)] = [
        (["train", "xor", "--bogus"], "unknown option '--bogus' (see 'nnbench train --help')"),
        (["check", "--arch"], "missing value for '--arch <spec>'"),
        (["baseline", "verify", "--jobs", "0"], "unknown option '--jobs'"),
        (["frobnicate"], "unexpected argument 'frobnicate'"),
        (["check", "--dtype", "float32"], "unknown option '--dtype': the engine's is --precision float32|float64; a client's --dtype goes inside the --exec command (see 'nnbench check --help')"),
    ]

    @Test("argument-parser errors are one line, 'nnbench: error: ...', status 64", arguments: argumentParserErrors)
    func argumentParserErrorIsOneLine(arguments: [String], message: String) throws {
        try Self.expectError(arguments, status: 64, message)
    }

    static let ignoredOptions: [([String], String)] = [
        (["check", "--exec", "true", "--precision", "float64"], "--precision has no effect with --exec"),
        (["check", "--timeout", "3"], "--timeout has no effect with a check of nnbench's engine (no --exec)"),
        (["check", "--log", "x.log"], "--log has no effect with a check of nnbench's engine (no --exec)"),
        (["check", "--record", ""], "--record has no effect with a check of nnbench's engine (no --exec)"),
        (["check", "--inject-all", "--inject", "init-zeros"], "--inject has no effect with --inject-all"),
        (["check", "--exec", "true", "--inject", "conv-kernel-flipped"], "--inject has no effect with --exec"),
        (["check", "--list-bugs", "--seed", "2"], "--seed has no effect with --list-bugs"),
        (["generate", "xor", "--noise", "0.1", "--param", "noise=0.3"], "the parameter 'noise' is given twice, by --param noise=0.3 and by --noise 0.1"),
        (["generate", "xor", "--output", "/tmp/nnbench-never-written.parquet"], "cannot tell the format of '/tmp/nnbench-never-written.parquet' from '.parquet'"),
        (["generate", "xor", "--output", "/tmp/nnbench-never-written.csv", "--format", "npy"],
         "--format npy contradicts --output '/tmp/nnbench-never-written.csv', whose name says csv; give a name ending in .npy(.gz), or leave out --format\n"),
        (["generate", "xor", "--output", "/tmp/nnbench-never-written.json.gz", "--format", "csv"], "--format csv contradicts --output '/tmp/nnbench-never-written.json.gz', whose name says json"),
    ]

    @Test("an option that would be silently ignored is refused with status 64", arguments: ignoredOptions)
    func ignoredOptionsAreRefused(arguments: [String], message: String) throws {
        try Self.expectError(arguments, status: 64, message)
    }

    static let badValues: [([String], String)] = [
        (["check", "--exec", "true", "--timeout", "-1"], "invalid --timeout '-1'; expected seconds in (0, 3600]"),
        (["check", "--self-test", "--seeds", "-1"], "invalid --seeds '-1'; expected an integer in 1...1000"),
        (["check", "--exec", ""], "invalid --exec ''; expected a command"),
        (["check", "--exec", "true", "--record", ""], "invalid --record ''"),
        (["check", "--inject", "nosuchbug"], "unknown bug 'nosuchbug'; expected one of: "),
        (["check", "--inject", "relu-backward-passes-negative", "--arch", "dense(2)"], "relu-backward-passes-negative needs a relu layer; 'dense(2)' has none, so no check could catch it"),
        (["run", "all", "xor"], "'all' selects every entry and cannot be given with other names"),
        (["train", "xor", "--arch", "dense(99999999999) dense(1)"], "the architecture does not fit task 'xor': layer 0"),
        // A list of no checks would run nothing: not a pass.
        (["check", "--only", ""], "invalid --only ''; expected check names"),
        (["bench", "train", "xor", "--steps", "0"], "invalid --steps '0'; expected an integer in 1...10000000"),
        (["bench", "train", "xor", "--steps", "1000000000000"], "invalid --steps '1000000000000'; expected an integer in 1...10000000"),
        (["bench", "train", "xor", "--threads", "0"], "invalid --threads '0'; expected an integer in 1...256"),
        (["bench", "matmul", "--sizes", "64,,256"], "invalid --sizes '64,,256'; expected comma-separated integers in 1...8192"),
        (["bench", "matmul", "--sizes", "64,"], "invalid --sizes '64,'; expected comma-separated integers in 1...8192"),
        (["check", "--only", ","], "invalid --only ','; expected check names"),
        // Seeds travel as JSON numbers, exact up to 2^53: 2^53 + 1 would reach the program as 1.
        (["check", "--exec", "true", "--seed", "9007199254740993"], "invalid --seed '9007199254740993'; a program over the protocol takes seeds in 0...9007199254740991"),
    ]

    @Test("bad values, negative numbers included, name the value: status 64", arguments: badValues)
    func badValueIsNamed(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(arguments, in: CommandRunner.packageRoot)
        #expect(result.status == 64, "\(result.standardError)")
        // A spec's error adds the spec and a caret under the part at fault: only the first line is checked whole.
        let first = result.standardError.split(separator: "\n").first.map(String.init) ?? ""
        let joined = result.standardError.split(separator: "\n").prefix(2).joined(separator: " ")
        #expect(first.hasPrefix("nnbench: error: " + message) || joined.hasPrefix("nnbench: error: " + message), "\(result.standardError)")
    }

    @Test("batchnorm over a one-sample batch is refused before training, status 64, in every command")
    func batchnormOneSample() throws {
        for arguments in [
            ["train", "xor", "--arch", "dense(4) batchnorm tanh dense(1)", "--batch", "3"],
            ["train", "xor", "--arch", "batchnorm dense(1)", "--batch", "1"],
            ["check", "--arch", "batchnorm dense(2)", "--task", "memorize", "--param", "points=1"],
            ["bench", "train", "xor", "--arch", "batchnorm dense(1)", "--batch", "1", "--steps", "1"],
        ] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("batchnorm needs more than one value per channel in training mode"), "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
    }

    @Test("sizes the engine does not build are refused before allocating, status 64")
    func sizeLimits() throws {
        for (arguments, part) in [
            (["train", "xor", "--arch", "dense(99999999999) dense(1)"], "holds more than 4194304 (2^22) values per sample"),
            (["train", "bars-stripes", "--arch", "conv2d(4, kernel: 3, padding: 100000) flatten dense(1)"], "holds more than 4194304 (2^22) values per sample"),
            (["train", "bars-stripes", "--arch", "conv2d(1, kernel: 1, padding: 999999999999999) flatten dense(1)"], "holds more than 4194304 (2^22) values per sample"),
            (["train", "xor", "--arch", "dense(4096) dense(4096) dense(4096) dense(4096) dense(4096) dense(1)"], "trainable values, the engine's limit"),
        ] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains(part), "\(result.standardError)")
        }
    }

    @Test("a loss that becomes NaN after the last step of the last epoch is a divergence: status 1")
    func divergenceOnTheLastStep() throws {
        let result = try CommandRunner.run(["train", "xor", "--optimizer", "adam(lr: 1e308)", "--epochs", "1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("diverged in epoch 1, step 1: the loss became nan"), "\(result.output)")
        // The table shows the epoch the message names.
        #expect(result.output.contains("\nepoch 1  loss"), "\(result.output)")
        #expect(!result.output.contains("-nan"))
    }

    @Test("baseline show and diff name a path as given, and say when a file is not a baseline")
    func baselinePaths() throws {
        try Self.expectError(["baseline", "show", "/path/x.json"], status: 2, "baseline '/path/x.json': cannot open '/path/x.json'")
        try Self.expectError(["baseline", "diff", "Baselines", "Package.swift"], status: 2, "baseline 'Package.swift': gzip data is corrupt")
        let result = try CommandRunner.run(["baseline", "diff", "Baselines", "Package.swift"], in: CommandRunner.packageRoot)
        #expect(result.standardError.contains("expected a baseline file (ENTRY.json.gz) or a folder of them"))
        try Self.expectError(["baseline", "diff", "Baselines", "/nonexistent.json.gz"], status: 2, "'/nonexistent.json.gz' does not exist")
    }

    @Test("bench train xor runs with its default batch (xor has 4 training samples)")
    func benchTrainDefaultBatch() throws {
        let result = try CommandRunner.run(["bench", "train", "xor", "--steps", "5"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("batch 4"), "\(result.output)")
    }

    @Test("check without --arch uses the task's reference architecture")
    func checkWithoutArch() throws {
        let result = try CommandRunner.run(["check", "--task", "xor", "--only", "init"])
        #expect(result.status == 0 && result.output.hasPrefix("xor: dense(4) tanh dense(1) on xor"), "\(result.output)\(result.standardError)")
    }

    @Test("an empty output path is a usage error, a missing input a file error")
    func emptyPaths() throws {
        try Self.expectError(["manifest", "verify", "--directory", ""], status: 64, "invalid --directory ''")
        try Self.expectError(["run", "xor", "--suite", ""], status: 64, "invalid --suite ''")
        try Self.expectError(["run", "xor", "--suite", "/nonexistent/suite.json"], status: 2, "")
    }

    @Test("manifest verify: a canonical file that cannot be read is status 2, not a mismatch")
    func manifestUnreadable() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = CommandRunner.packageRoot.appendingPathComponent("Datasets/manifest.json").path
        try AtomicFile.write(try AtomicFile.read(manifest, limit: 1 << 20), to: folder.appendingPathComponent("manifest.json").path)
        let result = try CommandRunner.run(["manifest", "verify", "--directory", folder.path])
        #expect(result.status == 2, "\(result.output)\(result.standardError)")
        #expect(result.output.hasPrefix("unreadable: "), "\(result.output)")
    }

    @Test("check --exec's --log and --record are checked before the program starts")
    func checkOutputsFirst() throws {
        try Self.expectError(
            ["check", "--exec", "true", "--log", "/nonexistent/dir/p.log"], status: 2,
            "cannot write --log '/nonexistent/dir/p.log': the folder '/nonexistent/dir' does not exist")
        try Self.expectError(
            ["check", "--exec", "true", "--record", "/nonexistent/dir/p.jsonl"], status: 2,
            "cannot write --record '/nonexistent/dir/p.jsonl': the folder '/nonexistent/dir' does not exist")
    }

    /// Every command, by its words.
    static let commands: [[String]] = [
        [], ["list"], ["show"], ["generate"], ["train"], ["check"], ["bench"], ["bench", "generate"], ["bench", "matmul"],
        ["bench", "train"], ["manifest"], ["manifest", "record"], ["manifest", "verify"], ["run"], ["report"], ["baseline"],
        ["baseline", "record"], ["baseline", "show"], ["baseline", "verify"], ["baseline", "diff"], ["protocol"], ["protocol", "schemas"],
    ]

    @Test("every command's --help has examples and its exit statuses", arguments: commands)
    func helpHasExamplesAndExitStatus(command: [String]) throws {
        let result = try CommandRunner.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("Examples:"), "\(command) --help has no examples")
        #expect(result.output.contains("Exit status"), "\(command) --help has no exit statuses")
    }
}

/// A model file written for other data is refused, not read as the task's (a new user's trial:
/// `inputs` was ignored).
@Suite("model files")
struct ModelFileInputsTests {
    @Test("a model file whose inputs are not the task's samples: status 64, naming both", arguments: ["train", "check"])
    func inputsMustMatch(command: String) throws {
        let folder = try CommandRunner.temporaryDirectory()
        let file = folder.appendingPathComponent("model.json")
        try Data(#"{"inputs":3,"layers":[{"type":"dense","units":4},{"type":"dense","units":1}]}"#.utf8).write(to: file)
        let arguments = command == "train" ? ["train", "xor", "--arch", file.path] : ["check", "--task", "xor", "--arch", file.path]
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 64, "\(result.standardError)")
        #expect(result.standardError.contains("the model's inputs [3] do not match the samples of task 'xor', [2]"), "\(result.standardError)")
    }
}

/// An output folder that exists as a file: the reason named, the same in every command (a new
/// user's trial met "Input/output error" and Foundation's wording).
@Suite("output folders")
struct OutputFolderTests {
    /// Foundation's `deletingLastPathComponent` traps on a one-character relative name; the
    /// output checks once used it, and every file option crashed on `x`.
    @Test("a one-character file name is written, not a crash", arguments: [
        ["generate", "xor", "--n", "4", "--output", "x"], ["generate", "xor", "--n", "4", "--plot", "x"], ["show", "xor", "--plot", "é"],
        ["run", "xor", "--baselines", "\(CommandRunner.packageRoot.path)/Baselines", "--junit", "j", "--report", "r"],
    ])
    func oneCharacterFileName(command: [String]) throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(command, in: folder)
        #expect(result.status == 0 && !result.standardError.contains("crash"), "\(command): \(result.status) \(result.standardError)")
        let name = command[command.count - 1]
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(command)")
    }

    @Test("a file name ending in '/' is a folder's: status 2 before any work")
    func trailingSlash() throws {
        try CommandLineRulesTests.expectError(["generate", "xor", "--output", "/tmp/nnbench-no-such-dir/"], status: 2,
                             "cannot write --output '/tmp/nnbench-no-such-dir/': a name ending in '/' names a folder; expected a file")
        try CommandLineRulesTests.expectError(["run", "xor", "--junit", "x/"], status: 2, "cannot write --junit 'x/': a name ending in '/' names a folder")
    }

    @Test("--output naming an existing file: status 2, 'it exists and is not a folder'", arguments: [["run", "xor", "--output"], ["protocol", "schemas", "--output"]])
    func existingFile(command: [String]) throws {
        let folder = try CommandRunner.temporaryDirectory()
        let file = folder.appendingPathComponent("data.csv")
        try Data("x\n".utf8).write(to: file)
        let result = try CommandRunner.run(command + [file.path], in: CommandRunner.packageRoot)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError == "nnbench: error: cannot write --output '\(file.path)': it exists and is not a folder\n")
    }
}

/// `train --stop-at-target` asks for the target: missing it is status 1, as in `run`.
@Suite("train's target")
struct TrainTargetTests {
    @Test("--stop-at-target: 1 when the target is missed, 0 when met")
    func missedTargetIsOne() throws {
        let missed = try CommandRunner.run(["train", "xor", "--arch", "dense(1)", "--epochs", "3", "--stop-at-target"])
        #expect(missed.status == 1, "\(missed.standardError)")
        let met = try CommandRunner.run(["train", "xor", "--stop-at-target"])
        #expect(met.status == 0, "\(met.standardError)")
        let plain = try CommandRunner.run(["train", "xor", "--arch", "dense(1)", "--epochs", "3"])
        #expect(plain.status == 0, "\(plain.standardError)")
    }
}
