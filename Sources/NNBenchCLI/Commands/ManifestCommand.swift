import ArgumentParser
import NNBench

/// `nnbench manifest record|verify`: the canonical datasets of `Datasets/`.
struct ManifestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Record or verify the canonical dataset instances in Datasets/manifest.json.",
        discussion: """
            Examples:
              nnbench manifest verify
              nnbench manifest record

            Exit status: see each subcommand's --help.
            """,
        subcommands: [Record.self, Verify.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate every task at its defaults (seed 0) and write the manifest and compressed CSVs.",
            discussion: """
                Examples:
                  nnbench manifest record
                  nnbench manifest record --directory /tmp/datasets

                Exit status: 0 when every file was written; 2 when one cannot be written; 64 \
                for a usage error.
                """)

        @Option(help: "The datasets folder.")
        var directory: String = "Datasets"

        func run() throws {
            try OutputPath.checkNotEmpty(directory, option: "--directory")
            do {
                let manifest = try CanonicalDatasets.record(into: directory)
                print("recorded \(manifest.instances.count) canonical instances in \(directory)/manifest.json")
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate every instance of the manifest and compare its SHA-256.",
            discussion: """
                Examples:
                  nnbench manifest verify

                Exit status: 0 when every instance matches; 1 when one differs; 2 when the \
                manifest or a canonical file cannot be read, or the manifest is malformed; 64 for \
                a usage error.
                """)

        @Option(help: "The datasets folder.")
        var directory: String = "Datasets"

        func run() throws {
            try OutputPath.checkNotEmpty(directory, option: "--directory")
            let problems: [CanonicalDatasets.Problem]
            do {
                problems = try CanonicalDatasets.verify(directory: directory)
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            for problem in problems { print("\(problem.isUnreadable ? "unreadable" : "mismatch"): \(problem.description)") }
            if problems.contains(where: \.isUnreadable) { throw ExitStatus.error }
            if !problems.isEmpty { throw ExitStatus.failed }
            print("all canonical instances match")
        }
    }
}
