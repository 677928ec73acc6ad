import ArgumentParser
import NNBench

/// The options that choose a task instance: its parameters and seed.
struct TaskOptions: ParsableArguments {
    @Argument(help: "The task's name (see 'nnbench list').")
    var task: String

    @Option(name: .customLong("n"), parsing: .unconditional, help: "Samples in the training split (tasks with sampled data).")
    var trainCount: String?

    @Option(parsing: .unconditional, help: "The noise parameter of the task (tasks that have one).")
    var noise: String?

    @Option(
        name: .customLong("param"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("A task parameter as NAME=VALUE; repeatable (see 'nnbench show TASK').", valueName: "name=value"))
    var parameters: [String] = []

    /// The parameter overrides as text, by name.
    ///
    /// - Throws: Exit 64 for a malformed `--param`, or a parameter given twice (`--noise 0.1
    ///   --param noise=0.3`): one of the two would be silently ignored.
    func overrides() throws -> [String: String] {
        var values: [String: String] = [:]
        var givenBy: [String: String] = [:]
        func set(_ name: String, _ value: String, by option: String) throws {
            if let earlier = givenBy[name] {
                throw failure("the parameter '\(name)' is given twice, by \(earlier) and by \(option); give it once", status: ExitStatus.usage)
            }
            values[name] = value
            givenBy[name] = option
        }
        for assignment in parameters {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw failure("invalid --param '\(assignment)'; expected NAME=VALUE, e.g. classes=3", status: ExitStatus.usage)
            }
            try set(parts[0], parts[1], by: "--param \(assignment)")
        }
        if let trainCount { try set("n", trainCount, by: "--n \(trainCount)") }
        if let noise { try set("noise", noise, by: "--noise \(noise)") }
        return values
    }

    /// Generates the task, turning a bad name or value into a one-line usage error.
    ///
    /// - Parameter seed: The seed of the task's data, as given on the command line.
    func makeTask(seed text: String, option: String = "--seed") throws -> LearningTask {
        let overrides = try overrides()
        let seed = try parseSeed(text, option: option)
        do {
            return try TaskCatalogue.definition(named: task).makeTask(overrides, seed: seed)
        } catch {
            throw failure(error.description, status: ExitStatus.usage)
        }
    }
    /// The task's data to export, drawn block by block when its samples are independent, so that
    /// `generate` holds a few blocks in memory at any `--n`; a bad name or value is a one-line
    /// usage error, as for ``makeTask(seed:option:)``.
    ///
    /// - Parameter seed: The seed of the task's data, as given on the command line.
    func makeSource(seed text: String) throws -> DatasetSource {
        let overrides = try overrides()
        let seed = try parseSeed(text, option: "--seed")
        do {
            return try DatasetSource(TaskCatalogue.definition(named: task), overrides: overrides, seed: seed)
        } catch {
            throw failure(error.description, status: ExitStatus.usage)
        }
    }
}

/// Reads a seed given on the command line.
///
/// - Throws: A usage error naming the option and the accepted range.
func parseSeed(_ text: String, option: String) throws -> UInt64 {
    guard let value = UInt64(text) else {
        throw failure("invalid \(option) '\(text)'; expected an integer in 0...\(UInt64.max)", status: ExitStatus.usage)
    }
    return value
}
