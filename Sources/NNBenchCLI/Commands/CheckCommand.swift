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
            classic bug (see 'nnbench check --list-bugs'); --inject-all prints the bug × check \
            matrix as a Markdown table. --exec \"COMMAND\" checks a program in any language that \
            speaks the model protocol (docs/checks.md) on --arch, or on a default set of small \
            architectures covering every layer type. Exit status: 0 when every check passes (or the matrix is \
            complete), 1 when one fails (or a bug goes uncaught, or a check catches nothing), 2 \
            when the model could not be checked.
            """)

    @Option(help: ArgumentHelp("The architecture, e.g. \"dense(16) relu dense(2)\".", valueName: "spec"))
    var arch: String?

    @Option(help: "The task whose data and loss the checks use (see 'nnbench list').")
    var task = "memorize"

    @Option(
        name: .customLong("param"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("A task parameter as NAME=VALUE; repeatable (see 'nnbench show TASK').", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("The checks to run, comma-separated (see --list-checks).", valueName: "names"))
    var only: String?

    @Option(parsing: .unconditional, help: "The seed of the weights.")
    var seed = "0"

    @Option(help: ArgumentHelp("The engine's precision: float32 or float64.", valueName: "precision"))
    var precision = "float32"

    @Option(help: ArgumentHelp("Inject a classic bug into the engine (see --list-bugs).", valueName: "bug"))
    var inject: String?

    @Flag(help: "Run every injected bug through every check and print the bug × check matrix.")
    var injectAll = false

    @Flag(help: "Run every showcase on the correct engine for --seeds seeds and report any check that fails: a false alarm.")
    var selfTest = false

    @Option(help: "With --self-test: how many seeds, from 0.")
    var seeds = 20

    @Flag(help: "List the checks.")
    var listChecks = false

    @Flag(help: "List the bugs --inject accepts.")
    var listBugs = false

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Check a program speaking the model protocol, started with /bin/sh -c.", valueName: "command"))
    var exec: String?

    @Option(help: ArgumentHelp("With --exec: the longest wait for one answer, in seconds.", valueName: "seconds"))
    var timeout = 5.0

    @Option(help: ArgumentHelp("With --exec: write the program's whole standard error to this file.", valueName: "file"))
    var log: String?

    @Flag(help: "With --exec: drive every op of the protocol once and report each answer that breaks it (its JSON Schema in docs/protocol/, the rules of docs/protocol.md), without running the checks.")
    var conformance = false

    @Option(help: ArgumentHelp("With --exec: write every request and answer line to this file, in order (JSON lines).", valueName: "file"))
    var record: String?

    func run() throws {
        if listChecks { return printChecks() }
        if listBugs { return printBugs() }
        let only = try parseOnly()
        let seed = try parseSeed(seed, option: "--seed")
        if let exec {
            guard inject == nil, !injectAll, !selfTest else {
                throw failure("--exec checks a program; it cannot be combined with --inject, --inject-all or --self-test", status: ExitStatus.usage)
            }
            guard timeout > 0, timeout <= 3600 else {
                throw failure("invalid --timeout '\(timeout)'; expected seconds in (0, 3600]", status: ExitStatus.usage)
            }
            if conformance { return try runConformance(exec) }
            return try runProgram(exec, only: only, seed: seed)
        }
        guard let precision = Precision(rawValue: precision) else {
            throw failure("invalid --precision '\(self.precision)'; expected one of: float32, float64", status: ExitStatus.usage)
        }
        if injectAll { return try printFaultMatrix(precision: precision, seed: seed) }
        if selfTest { return try runSelfTest(precision: precision) }
        try checkEngine(precision: precision, seed: seed, only: only)
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
        var alarms = 0
        for seed in 0..<UInt64(seeds) {
            for showcase in Showcase.all {
                for result in showcase.run(precision: precision, seed: seed) where result.status == .failed || result.status == .error {
                    alarms += 1
                    print("false alarm: \(showcase.name) seed \(seed) \(result.check): \(result.figure) \(result.diagnosis ?? "")")
                }
            }
        }
        print("\(Showcase.all.count) showcases × \(seeds) seeds in \(precision.rawValue): \(alarms == 0 ? "no false alarm" : "\(alarms) false alarms")")
        if alarms > 0 { throw ExitStatus.failed }
    }

    /// The battery on nnbench's engine, with `--inject`'s bug if any.
    private func checkEngine(precision: Precision, seed: UInt64, only: Set<String>?) throws {
        guard let arch else {
            throw failure("missing --arch; e.g. --arch \"dense(16) relu dense(2)\"", status: ExitStatus.usage)
        }
        let fault = try inject.map { name in
            guard let fault = Fault(rawValue: name) else {
                throw failure("unknown bug '\(name)'; expected one of: \(Fault.allCases.map(\.rawValue).joined(separator: ", "))", status: ExitStatus.usage)
            }
            return fault
        }
        let (architecture, task) = try architectureAndTask(arch)
        let model: any CheckableModel = precision == .float32 ? EngineModel<Float>(fault: fault) : EngineModel<Double>(fault: fault)
        let results = CheckBattery.run(model: model, architecture: architecture, task: task, seed: seed, only: only)
        let report = CheckReport(results: results)
        print(json ? report.json() : report.text, terminator: "")
        if results.contains(where: { $0.status == .error }) { throw ExitStatus.error }
        if results.contains(where: { $0.status == .failed }) { throw ExitStatus.failed }
    }

    /// The checks `--only` names, or `nil` for all.
    private func parseOnly() throws -> Set<String>? {
        try only.map { text in
            let names = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if let unknown = names.sorted().first(where: { !CheckBattery.names.contains($0) }) {
                throw failure("unknown check '\(unknown)'; expected one of: \(CheckBattery.names.joined(separator: ", "))", status: ExitStatus.usage)
            }
            return names
        }
    }

    /// The `--arch` architecture and the `--task` task, checked against each other.
    func architectureAndTask(_ arch: String) throws -> (ArchitectureSpec, LearningTask) {
        // The task's options are read as 'nnbench generate' reads them, so the errors are the same.
        let taskOptions = try TaskOptions.parse([self.task] + parameters.flatMap { ["--param", $0] })
        let task = try taskOptions.makeTask(seed: "0")
        do {
            let architecture = try ArchitectureSpec(parsing: arch)
            _ = try architecture.resolve(for: task)
            return (architecture, task)
        } catch {
            throw failure("invalid --arch for task '\(task.name)':\n\(error.rendered)", status: ExitStatus.usage)
        }
    }
}
