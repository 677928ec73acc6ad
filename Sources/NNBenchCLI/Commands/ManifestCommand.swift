import ArgumentParser
import NNBench

/// `nnbench manifest record|verify`: the canonical datasets of `Datasets/`.
struct ManifestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Record or verify the canonical dataset instances in Datasets/manifest.json.",
        subcommands: [Record.self, Verify.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate every task at its defaults (seed 0) and write the manifest and compressed CSVs.")

        @Option(help: "The datasets folder.")
        var directory: String = "Datasets"

        func run() throws {
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
            abstract: "Regenerate every instance of the manifest and compare its SHA-256; exit 1 on a mismatch.")

        @Option(help: "The datasets folder.")
        var directory: String = "Datasets"

        func run() throws {
            let problems: [CanonicalDatasets.Problem]
            do {
                problems = try CanonicalDatasets.verify(directory: directory)
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            for problem in problems { print("mismatch: \(problem.description)") }
            if !problems.isEmpty { throw ExitStatus.failed }
            print("all canonical instances match")
        }
    }
}
