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
              nnbench show moons --plot moons.svg

            --plot draws the training split as a standalone SVG file (see docs/reports.md).

            Exit status: 0; 2 when the --plot file cannot be written; 64 for a usage error (an \
            unknown task, parameter or value).
            """)

    @OptionGroup var options: TaskOptions

    @Option(parsing: .unconditional, help: "The seed of the data (an integer in 0...2^64-1).")
    var seed: String = "0"

    @Option(help: ArgumentHelp("Also draw the training split as a picture: a standalone SVG file.", valueName: "file.svg"))
    var plot: String?

    func run() throws {
        if let plot { try OutputPath.checkFile(plot, option: "--plot") }
        let task = try options.makeTask(seed: seed)
        let definition = try TaskCatalogue.definition(named: task.name)
        print(TaskCard(task: task, definition: definition).render(), terminator: "")
        if let plot { try PlotOption.write(task, splits: .only(.train), details: try options.plotDetails(seed: seed), to: plot) }
    }
}
