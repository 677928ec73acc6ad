import ArgumentParser
import NNBench

/// The `nnbench` command: known-answer tasks, a reference engine, and checks for neural-network
/// implementations.
@main
struct NNBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnbench",
        abstract: "Known-answer tasks and correctness checks for neural-network implementations.",
        discussion: """
            Examples:
              nnbench list
              nnbench train xor
              nnbench check --inject sigmoid-derivative-of-input
              nnbench run all

            Exit status, the same for every command: 1 when a check fails, a result \
            regresses, a target is missed or a canonical dataset differs; 2 when a file or \
            program cannot be read, written or trusted (missing, unreadable, corrupt or malformed \
            file contents, an unwritable output, a program that breaks the protocol), or a run \
            compared nothing; 64 when the command line is wrong (an unknown option, task or entry, \
            a bad value, a malformed spec string, an option that has no effect); 0 otherwise. Errors are one \
            line on standard error, 'nnbench: error: ...'.
            """,
        // The tool's version, and beside it the engine's, which baselines record with its fingerprint.
        version: "nnbench \(ToolVersion.current) (engine \(EngineFingerprint.version))",
        subcommands: [ListCommand.self, ShowCommand.self, GenerateCommand.self, TrainCommand.self, CurveCommand.self, LRFindCommand.self, CheckCommand.self, BenchCommand.self, ManifestCommand.self, RunCommand.self, MergeCommand.self, ReportCommand.self, BaselineCommand.self, ProtocolCommand.self]
    )
}
