import ArgumentParser
import NNBench

/// `nnbench list`: the catalogue as a table.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the known-answer tasks: kind, shapes, and what is known of each.",
        discussion: """
            Every task at its defaults; 'nnbench show TASK' prints one task's whole card.

            Examples:
              nnbench list

            Exit status: 0; 2 when standard output cannot be written (a closed pipe, a full disk); 64 for a usage error.
            """)

    func run() throws {
        do {
            print(try TaskCard.catalogue().render(), terminator: "")
        } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }
}
