import ArgumentParser
import Foundation
import NNBench

/// `nnbench lr-find TASK`: the learning-rate range test of an architecture and optimizer on a task.
struct LRFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "The learning-rate range test: the loss against an exponentially growing learning rate.",
        discussion: """
            From the initial weights, trains one mini-batch per step at a learning rate growing \
            from --start to --end in --steps steps (lr_i = start·(end/start)^(i/(steps−1))), as \
            Smith (2017) and fastai's lr_find define it, and stops when the loss smoothed with \
            β = 0.98 exceeds 4 times its minimum or is not finite. Prints the loss against the \
            rate, the steep point (where the smoothed loss falls fastest), the minimum, the \
            divergence, and a warning when the configured rate (--optimizer's, or the task's \
            reference optimizer's) is past the divergence, or outside --start…--end (never \
            tried). See docs/lr-find.md.

            Examples:
              nnbench lr-find xor
              nnbench lr-find spirals --report spirals-lr.html
              nnbench lr-find moons --arch "dense(32) relu dense(1)" --optimizer "sgd(lr: 0.1, momentum: 0.9)" --json

            Exit status: 0 when the test ran, with or without the warning (it is a diagnosis, \
            not a check); 2 when a model file cannot be read or the --report output cannot be \
            written; 64 for a usage error (an unknown task, a malformed spec, --start not below \
            --end, a rate that is not positive, fewer than 2 or more than 100000 steps).
            """)

    @OptionGroup var task: TaskOptions

    @Option(help: ArgumentHelp("The architecture, e.g. \"dense(16) relu dense(1)\", or a JSON model file (docs/protocol.md).", valueName: "spec"))
    var arch: String?

    @Option(help: ArgumentHelp("The optimizer whose learning rate is swept; its own lr is the configured rate, e.g. \"sgd(lr: 0.1, momentum: 0.9)\".", valueName: "spec"))
    var optimizer: String?

    @Option(parsing: .unconditional, help: "The first step's learning rate.", transform: Self.rate)
    var start: Double = 1e-7

    @Option(parsing: .unconditional, help: "The last step's learning rate.", transform: Self.rate)
    var end: Double = 10

    @Option(parsing: .unconditional, help: "The most steps, one mini-batch each: 2 to 100000 (fastai uses 100; more only samples the same curve more finely, at one mini-batch and one recorded point per step).")
    var steps: Int = 100

    @Option(parsing: .unconditional, help: "Samples per step (default: the task's reference batch size).")
    var batch: Int?

    @Option(parsing: .unconditional, help: "The seed of the initial weights, the shuffling and dropout.")
    var seed: String = "0"

    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "The seed of the task's data.")
    var dataSeed: String = "0"

    @Option(help: ArgumentHelp("Write an HTML page with the curve on a log axis; see docs/lr-find.md.", valueName: "file.html"))
    var report: String?

    @Flag(help: "Print the figures and every step as JSON.")
    var json = false

    /// Reads a rate option, saying what was expected when it is not a number (ArgumentParser's
    /// own message names only the option); its range is checked by ``LearningRateRangeTest``.
    private static func rate(_ text: String) throws -> Double {
        guard let rate = Double(text) else { throw ValidationError("expected a positive number such as 1e-7 or 10") }
        return rate
    }

    func run() throws {
        let task = try self.task.makeTask(seed: dataSeed, option: "--data-seed")
        let test: LearningRateRangeTest
        do { test = try LearningRateRangeTest(start: start, end: end, steps: steps) } catch {
            throw failure("invalid --\(error.subject ?? "start"): \(error.message)", status: ExitStatus.usage)
        }
        let architecture = try ArchitectureArgument.parse(arch ?? task.reference.architecture, for: task)
        let optimizerSpec: OptimizerSpec
        do { optimizerSpec = try OptimizerSpec(parsing: optimizer ?? task.reference.optimizer) } catch {
            throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
        }
        let batch = self.batch ?? task.reference.batchSize
        guard batch >= 1 else {
            throw failure("invalid --batch '\(batch)'; expected a positive integer", status: ExitStatus.usage)
        }
        let resolved: ResolvedArchitecture
        do { resolved = try architecture.resolve(for: task) } catch {
            throw failure("the architecture does not fit task '\(task.name)': \(error.description)", status: ExitStatus.usage)
        }
        let configuration = TrainingConfiguration(
            optimizer: optimizerSpec, epochs: 1, batchSize: batch, seed: try parseSeed(seed, option: "--seed"))
        let run: TrainingRun<Float>
        do { run = try TrainingRun(task: task, resolved: resolved, configuration: configuration) } catch {
            throw failure("cannot train on task '\(task.name)' in batches of \(batch): \(error.description)", status: ExitStatus.usage)
        }
        if let report { try OutputPath.checkFile(report, option: "--report") }
        let page = LearningRateReport(
            task: task.name, architecture: run.network.architecture.architecture.description, optimizer: optimizerSpec.description,
            configuredRate: optimizerSpec.learningRate, batchSize: batch, seed: configuration.seed, result: run.rangeTest(test),
            summary: [quotedCommandLine])
        if let report {
            try writePage(page.html, to: report)
        }
        if json {
            try printJSON(page.figures)
        } else {
            print(page.text(), terminator: "")
        }
    }
}
