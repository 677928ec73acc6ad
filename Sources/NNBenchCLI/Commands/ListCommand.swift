import ArgumentParser
import NNBench

/// `nnbench list`: the catalogue as a table.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the known-answer tasks: kind, shapes, and what is known of each.")

    func run() throws {
        var table = TextTable(header: ["task", "kind", "input", "output", "loss", "known answer"])
        for definition in TaskCatalogue.all {
            let task: LearningTask
            do {
                task = try definition.makeTask()
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            table.rows.append([
                definition.name, task.kind.name, shapeText(task.inputShape), String(task.outputWidth),
                task.loss.rawValue, TaskCard(task: task, definition: definition).knownSummary,
            ])
        }
        print(table.render(), terminator: "")
    }
}
