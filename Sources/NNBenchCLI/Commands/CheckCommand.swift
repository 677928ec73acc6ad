import ArgumentParser
import Foundation
import NNBench

/// `nnbench check`: the correctness checks, run on nnbench's own engine (optionally with an
/// injected bug), or the bug × check matrix.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the correctness checks on nnbench's engine, optionally with an injected bug, or on any program (--exec).",
        discussion: """
            Prints a table (check, status, figure, bound) and, under it, a one-line diagnosis with \
            the likely causes for every check that failed. --inject BUG makes the engine commit a \
            classic bug (see 'nnbench check --list-bugs'); without --arch and --task it is checked \
            on its showcase, the architecture its code runs in. --inject-all prints the bug × \
            check matrix as a Markdown table. --exec "COMMAND" checks a program in any language \
            that speaks the model protocol (docs/protocol.md) on --arch, or on a default set of \
            small architectures covering every layer type. An option that has no effect in the \
            mode chosen (--precision with --exec, --timeout without it) is refused.

            Examples:
              nnbench check --arch "dense(8) tanh dense(8) relu dense(3)" --task memorize --param classes=3
              nnbench check --inject sigmoid-derivative-of-input
              nnbench check --inject-all
              nnbench check --exec "python3 mynet.py" --timeout 10 --log mynet.log
              nnbench check --exec "python3 mynet.py" --conformance
              nnbench check --inject relu-backward-passes-negative --report check.html

            Exit status: 0 when every check passes (or the matrix is complete); 1 when one fails \
            (or a bug goes uncaught, or a check catches nothing); 2 when the model could not be \
            checked (a program that breaks the protocol, crashes or declines the architecture) \
            or a file cannot be read or written; 64 for a usage error.
            """)

    @Option(help: ArgumentHelp("The architecture, e.g. \"dense(16) relu dense(2)\", or a JSON model file (docs/protocol.md).", valueName: "spec"))
    var arch: String?

    @Option(help: "The task whose data and loss the checks use (see 'nnbench list'); without --arch, checked on its reference architecture. Default: memorize.")
    var task: String?

    @Option(
        name: .customLong("param"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("A task parameter as NAME=VALUE; repeatable (see 'nnbench show TASK').", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("The checks to run, comma-separated (see --list-checks).", valueName: "names"))
    var only: String?

    @Option(name: .customLong("seed"), parsing: .unconditional, help: "The seed of the weights (default 0).")
    var seedOption: String?

    @Option(name: .customLong("precision"), help: ArgumentHelp("The engine's precision: float32 (default) or float64.", valueName: "precision"))
    var precisionOption: String?

    @Option(help: ArgumentHelp("Inject a classic bug into the engine (see --list-bugs).", valueName: "bug"))
    var inject: String?

    @Flag(help: "Run every injected bug through every check and print the bug × check matrix.")
    var injectAll = false

    @Flag(help: "Run the battery on the correct engine, on every showcase and every catalogue task's reference architecture, for --seeds seeds (with --exec: the program, on the default architectures); print each check's worst load (its figure as a fraction of its bound) and any failure, a false alarm.")
    var selfTest = false

    @Option(name: .customLong("seeds"), parsing: .unconditional, help: "With --self-test: how many seeds, from 0 (default 20).")
    var seedsOption: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --self-test: run shard i of n (1 <= i <= n) of the (architecture, seed) runs; see docs/shards.md.", valueName: "i/n"))
    var shard: String?

    @Flag(help: "List the checks.")
    var listChecks = false

    @Flag(help: "List the bugs --inject accepts.")
    var listBugs = false

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Check a program speaking the model protocol, started with /bin/sh -c.", valueName: "command"))
    var exec: String?

    @Option(name: .customLong("timeout"), parsing: .unconditional, help: ArgumentHelp("With --exec: the longest wait for one answer, in seconds (default 5).", valueName: "seconds"))
    var timeoutOption: Double?

    @Option(help: ArgumentHelp("With --exec: write the program's whole standard error to this file.", valueName: "file"))
    var log: String?

    @Flag(help: "With --exec: drive every op of the protocol once and report each answer that breaks it (its JSON Schema in docs/protocol/, the rules of docs/protocol.md), without running the checks.")
    var conformance = false

    @Option(help: ArgumentHelp("With --exec: write every request and answer line to this file, in order (JSON lines).", valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp(
        "Also write an HTML report: the verdicts with each diagnosis, each tensor's gradient check and each layer's difference from the reference engine; see docs/reports.md.",
        valueName: "file.html"))
    var report: String?

    /// `--timeout`, 5 s by default.
    var timeout: Double { timeoutOption ?? 5 }

    /// `--seeds`, 20 by default.
    var seeds: Int { seedsOption ?? 20 }

    func run() throws {
        if listChecks { return try refuseOptions(except: ["--list-checks"], in: "--list-checks", then: printChecks) }
        if listBugs { return try refuseOptions(except: ["--list-bugs"], in: "--list-bugs", then: printBugs) }
        let only = try parseOnly()
        let seed = try parseSeed(seedOption ?? "0", option: "--seed")
        if let exec {
            if conformance {
                try refuseOptions(except: ["--exec", "--conformance", "--timeout", "--log", "--record", "--json"], in: "--exec --conformance")
            } else if selfTest {
                try refuseOptions(except: ["--exec", "--self-test", "--seeds", "--shard", "--timeout"], in: "--exec --self-test")
            } else {
                try refuseOptions(
                    except: ["--exec", "--arch", "--task", "--param", "--only", "--seed", "--timeout", "--log", "--record", "--json", "--report"], in: "--exec")
            }
            guard !exec.allSatisfy(\.isWhitespace) else {
                throw failure("invalid --exec '\(exec)'; expected a command that starts the program, e.g. \"python3 mynet.py\"", status: ExitStatus.usage)
            }
            // The protocol carries the seed as a JSON number, exact up to 2^53 (docs/protocol.md).
            guard seed < 1 << 53 else {
                throw failure("invalid --seed '\(seed)'; a program over the protocol takes seeds in 0...\((1 << 53) - 1), which a JSON number holds exactly", status: ExitStatus.usage)
            }
            if let timeoutOption, !(timeoutOption > 0 && timeoutOption <= 3600) {
                throw failure("invalid --timeout '\(timeoutOption.numberText)'; expected seconds in (0, 3600]", status: ExitStatus.usage)
            }
            try OutputPath.checkDistinct([("--log", log), ("--record", record), ("--report", report)])
            if let log { try OutputPath.checkFile(log, option: "--log") }
            if let record { try OutputPath.checkFile(record, option: "--record") }
            if let report { try OutputPath.checkFile(report, option: "--report") }
            if conformance { return try runConformance(exec) }
            if selfTest { return try runProgramSelfTest(exec) }
            return try runProgram(exec, only: only, seed: seed)
        }
        let precision = try parsePrecision()
        if injectAll {
            try refuseOptions(except: ["--inject-all", "--precision", "--seed"], in: "--inject-all")
            return try printFaultMatrix(precision: precision, seed: seed)
        }
        if selfTest {
            try refuseOptions(except: ["--self-test", "--precision", "--seeds", "--shard"], in: "--self-test")
            return try runSelfTest(precision: precision)
        }
        try refuseOptions(
            except: ["--arch", "--task", "--param", "--only", "--seed", "--precision", "--inject", "--json", "--report"], in: "a check of nnbench's engine (no --exec)")
        if let report { try OutputPath.checkFile(report, option: "--report") }
        try checkEngine(precision: precision, seed: seed, only: only)
    }

    /// `--precision`, float32 by default.
    private func parsePrecision() throws -> Precision {
        guard let precision = Precision(rawValue: precisionOption ?? "float32") else {
            throw failure("invalid --precision '\(precisionOption ?? "")'; expected one of: float32, float64", status: ExitStatus.usage)
        }
        return precision
    }

    /// `--list-checks`: every check and what it verifies.
    private func printChecks() {
        print(TextTable(header: ["check", "verifies"], rows: CheckBattery.summaries.map { [$0.name, $0.summary] }).render(), terminator: "")
    }

    /// `--list-bugs`: every bug `--inject` accepts.
    private func printBugs() {
        print(TextTable(header: ["bug", "what it does"], rows: Fault.allCases.map { [$0.rawValue, $0.summary] }).render(), terminator: "")
    }

    /// `--inject-all`: the bug × check matrix; exit 1 unless it is complete.
    private func printFaultMatrix(precision: Precision, seed: UInt64) throws {
        let matrix = FaultMatrix(precision: precision, seed: seed)
        print(FaultMatrixReport(matrix: matrix).markdown, terminator: "")
        if !matrix.isComplete { throw ExitStatus.failed }
    }

    /// `--self-test`: every showcase on the correct engine over `--seeds` seeds; any failure is a
    /// false alarm (exit 1).
    private func runSelfTest(precision: Precision) throws {
        guard (1...1000).contains(seeds) else {
            throw failure("invalid --seeds '\(seeds)'; expected an integer in 1...1000", status: ExitStatus.usage)
        }
        let threads = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let showcases = Showcase.all + Showcase.recurrent + Showcase.catalogue
        let shard = try selfTestShard(runs: showcases.count * seeds)
        let result = SelfTest.run(showcases, precision: precision, seeds: seeds, threads: threads, shard: shard)
        print(SelfTestReport(result: result).text, terminator: "")
        if result.alarms > 0 || !result.unchecked.isEmpty || !result.comparedAnything { throw ExitStatus.failed }
    }

    /// `--shard` of a self-test of `runs` (showcase, seed) runs, said in a line before the report.
    ///
    /// - Throws: Exit 64 for a malformed shard or more shards than runs.
    func selfTestShard(runs: Int) throws -> (index: Int, count: Int)? {
        guard let text = shard else { return nil }
        let shard = try ShardOption.parse(text)
        try ShardOption.check(shard, runs: runs, of: "(architecture, seed) run")
        let count = (runs - shard.index) / shard.count + 1
        print("shard \(shard): \(count) of the \(runs) (architecture, seed) runs; its verdicts are those runs'")
        return (shard.index, shard.count)
    }

    /// The battery on nnbench's engine, with `--inject`'s bug if any, on ``checkTargets(fault:)``'s
    /// architecture.
    private func checkEngine(precision: Precision, seed: UInt64, only: Set<String>?) throws {
        let fault = try inject.map { name in
            guard let fault = Fault(rawValue: name) else {
                throw failure("unknown bug '\(name)'; expected one of: \(Fault.allCases.map(\.rawValue).joined(separator: ", "))", status: ExitStatus.usage)
            }
            return fault
        }
        let model: any CheckableModel = precision == .float32 ? EngineModel<Float>(fault: fault) : EngineModel<Double>(fault: fault)
        guard let target = try checkTargets(fault: fault).first else { return }
        if let fault, let requirement = fault.requirement, !fault.acts(on: target.architecture, loss: target.task.loss) {
            // A bug whose code never runs would pass every check: say so instead of a green table.
            let showcase = Showcase.showcase(for: fault)
            let has = if case .loss = requirement { "task '\(target.task.name)' uses \(target.task.loss.rawValue)" } else { "'\(target.architecture)' has none" }
            throw failure(
                "\(fault) needs \(requirement); \(has), so no check could catch it. Try without --arch and --task (its showcase '\(showcase.name)': \(showcase.architecture) on \(showcase.makeTask().name))",
                status: ExitStatus.usage)
        }
        let results = CheckBattery.run(model: model, architecture: target.architecture, task: target.task, seed: seed, only: only)
        let heading = "\(target.name): \(target.architecture) on \(target.task.name)"
        if !json, arch == nil { print(heading) }
        let report = CheckReport(results: results)
        try writeReport(report.page(
            title: "nnbench: check of nnbench's engine\(fault.map { " with \($0)" } ?? "")",
            summary: ["\(heading), \(precision.rawValue), seed \(seed)", Self.commandLine]))
        print(json ? report.json() : report.text, terminator: "")
        if results.contains(where: { $0.status == .error }) { throw ExitStatus.error }
        if results.contains(where: { $0.status == .failed }) { throw ExitStatus.failed }
    }

    /// What to check on: `--arch` on `--task` (memorize by default); an injected bug without
    /// either on its showcase, the architecture its code runs in; otherwise `--task`'s reference
    /// architecture, as `train` does. A program (`--exec`) without `--arch` or `--task` gets
    /// every showcase: together they cover every layer type, loss and variant; the recurrent
    /// ones (``Showcase/recurrent``) come last, and only a program that lists their layer types
    /// is checked on them (``CheckCommand/runProgram(_:only:seed:)``).
    func checkTargets(fault: Fault? = nil) throws -> [(name: String, architecture: ArchitectureSpec, task: LearningTask)] {
        if let arch {
            let (architecture, task) = try architectureAndTask(arch)
            return [("arch", architecture, task)]
        }
        if task == nil, let fault {
            let showcase = Showcase.showcase(for: fault)
            return [(showcase.name, showcase.architectureSpec, showcase.makeTask())]
        }
        if task == nil, exec != nil {
            guard parameters.isEmpty else { throw failure("--param needs --task or --arch", status: ExitStatus.usage) }
            return (Showcase.all + Showcase.recurrent).map { ($0.name, $0.architectureSpec, $0.makeTask()) }
        }
        let task = try makeTask()
        return [(task.name, try ArchitectureSpec(parsing: task.reference.architecture), task)]
    }

    /// The checks `--only` names, or `nil` for all.
    private func parseOnly() throws -> Set<String>? {
        try only.map { text in
            let names = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            // An empty list would run nothing, and a run that checked nothing is not a pass.
            guard !names.isEmpty else {
                throw failure("invalid --only '\(text)'; expected check names separated by commas, from: \(CheckBattery.names.joined(separator: ", "))", status: ExitStatus.usage)
            }
            if let unknown = names.sorted().first(where: { !CheckBattery.names.contains($0) }) {
                throw failure("unknown check '\(unknown)'; expected one of: \(CheckBattery.names.joined(separator: ", "))", status: ExitStatus.usage)
            }
            return names
        }
    }

    /// The `--arch` architecture and the `--task` task, checked against each other and against
    /// the batches the checks train on.
    func architectureAndTask(_ arch: String) throws -> (ArchitectureSpec, LearningTask) {
        let task = try makeTask()
        let architecture = try ArchitectureArgument.parse(arch, for: task)
        let resolved: ResolvedArchitecture
        do { resolved = try architecture.resolve(for: task) } catch {
            throw failure("invalid --arch for task '\(task.name)': \(error.description)", status: ExitStatus.usage)
        }
        // The checks train on batches of up to the whole training split, down to 2 samples when it has them.
        do { try resolved.checkBatch(samples: min(2, task.train.count), training: true) } catch {
            throw failure("cannot check on task '\(task.name)' with \(task.train.count) training sample\(task.train.count == 1 ? "" : "s"): \(error.description)", status: ExitStatus.usage)
        }
        return (architecture, task)
    }

    /// `--task` (memorize by default) with its `--param`s.
    private func makeTask() throws -> LearningTask {
        // The task's options are read as 'nnbench generate' reads them, so the errors are the same.
        try TaskOptions.parse([task ?? "memorize"] + parameters.flatMap { ["--param", $0] }).makeTask(seed: "0")
    }
}
