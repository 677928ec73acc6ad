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
            Exit status: 0 on success; 1 when a check fails or a result regressed; 2 when the work \
            could not be done (a file that cannot be read or written, a corrupt input); 64 for a \
            usage error (an unknown task, option or value).
            """,
        // One version for the tool and the engine whose numbers it reports.
        version: EngineFingerprint.version,
        subcommands: [ListCommand.self, ShowCommand.self, GenerateCommand.self, TrainCommand.self, CheckCommand.self, BenchCommand.self, ManifestCommand.self, RunCommand.self, BaselineCommand.self, ProtocolCommand.self]
    )
}
