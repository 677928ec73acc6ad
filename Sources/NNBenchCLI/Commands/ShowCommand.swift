import ArgumentParser
import NNBench

/// `nnbench show TASK`: a task's whole card.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a task's card: formula, parameters and defaults, known answer, reference architecture and target.",
        discussion: """
            Examples:
              nnbench show xor
              nnbench show blobs --param classes=5

            Exit status: 0; 64 for a usage error (an unknown task, parameter or value).
            """)

    @OptionGroup var options: TaskOptions

    @Option(parsing: .unconditional, help: "The seed of the data (an integer in 0...2^64-1).")
    var seed: String = "0"

    func run() throws {
        let task = try options.makeTask(seed: seed)
        let definition = try TaskCatalogue.definition(named: task.name)
        print(TaskCard(task: task, definition: definition).render(), terminator: "")
    }
}
