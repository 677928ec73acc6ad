import ArgumentParser
import Foundation
import NNBench

/// `nnbench curve TASK`: the learning curve against training-set size, and what it says.
struct CurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract: "Train at growing training-set sizes and say whether the model has high bias or high variance.",
        discussion: """
            Trains the architecture (default: the task's reference solution, as 'train' does) on \
            the first N samples of the task's training split for each size N, with several \
            seeds, and prints the train and validation error per size (1 − accuracy for \
            classification, the mean squared error for regression; mean ± standard deviation \
            over seeds) and the verdict the curve supports at its largest size: high bias, \
            high variance, both, or neither, with the figures behind it. The validation split \
            is the same samples at every size. See docs/learning-curve.md for the rules.

            Examples:
              nnbench curve xor --arch "dense(1)" --n 200
              nnbench curve random-labels
              nnbench curve moons --sizes 25,50,100,1000 --seeds 10 --json
              nnbench curve spirals --report spirals-curve.html

            Exit status: 0 when the curve was trained, whatever the verdict (a verdict is a \
            diagnosis, not a failure); 2 when a model file cannot be read or the --report output \
            cannot be written; 64 for a usage error (an unknown task, a malformed spec, sizes \
            that do not increase or exceed the training split, no seed, a task with no held-out \
            samples).
            """)

    @OptionGroup var task: TaskOptions

    @Option(help: ArgumentHelp("The architecture, e.g. \"dense(16) relu dense(1)\", or a JSON model file (docs/protocol.md).", valueName: "spec"))
    var arch: String?

    @Option(help: ArgumentHelp("The optimizer, e.g. \"adam(lr: 0.01)\".", valueName: "spec"))
    var optimizer: String?

    // Unconditional, as every numeric option: `--sizes -5` is a bad size, not a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("Training-set sizes, increasing, separated by commas (default: 25, 50, 100, … doubling, then the whole training split).", valueName: "list"))
    var sizes: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds 0..<N at every size (default: 5, as the default suite's entries).", valueName: "n"))
    var seeds: String?

    @Option(parsing: .unconditional, help: "Passes over each size's training samples (default: the reference solution's).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Samples per step (default: the reference solution's).")
    var batch: Int?

    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "The seed of the task's data.")
    var dataSeed: String = "0"

    @Flag(help: "Print the curve as JSON: every seed's errors per size, their means and spreads, and the verdict with its figures.")
    var json = false

    @Option(help: ArgumentHelp("Write an HTML page with the curve drawn (log x axis), the table and the verdict.", valueName: "file.html"))
    var report: String?

    @OptionGroup var jobs: JobOptions

    func run() throws {
        let task = try self.task.makeTask(seed: dataSeed, option: "--data-seed")
        let architecture = try ArchitectureArgument.parse(arch ?? task.reference.architecture, for: task)
        let resolved: ResolvedArchitecture
        do { resolved = try architecture.resolve(for: task) } catch {
            throw failure("the architecture does not fit task '\(task.name)': \(error.description)", status: ExitStatus.usage)
        }
        let optimizerSpec: OptimizerSpec
        do { optimizerSpec = try OptimizerSpec(parsing: optimizer ?? task.reference.optimizer) } catch {
            throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
        }
        let epochs = self.epochs ?? task.reference.epochs
        guard (1...1_000_000).contains(epochs) else {
            throw failure("invalid --epochs '\(epochs)'; expected an integer in 1...1000000", status: ExitStatus.usage)
        }
        let batch = self.batch ?? task.reference.batchSize
        guard batch >= 1 else { throw failure("invalid --batch '\(batch)'; expected a positive integer", status: ExitStatus.usage) }
        let seedCount = try seeds.map(parseSeedCount) ?? Suite.defaultSeedCount
        let jobCount = try jobs.count()
        let sizes = try parseSizes()
        if let report { try OutputPath.checkFile(report, option: "--report") }
        let plan: LearningCurvePlan
        do throws(LearningCurveError) {
            plan = try LearningCurvePlan(
                task: task, resolved: resolved, configuration: TrainingConfiguration(optimizer: optimizerSpec, epochs: epochs, batchSize: batch),
                sizes: sizes, seeds: (0..<UInt64(seedCount)).map { $0 })
        } catch {
            throw failure(error.description, status: ExitStatus.usage)
        }
        if let warning = plan.heldOutWarning { writeToStandardError("nnbench: warning: \(warning)\n") }
        let curve = plan.run(jobs: jobCount)
        let page = LearningCurveReport(curve: curve, summary: [quotedCommandLine])
        if let report {
            try writePage(page.html, to: report)
        }
        if json {
            try printJSON(curve)
        } else {
            print(page.text, terminator: "")
        }
    }

    /// `--sizes` as integers, or `nil` for the default.
    private func parseSizes() throws -> [Int]? {
        guard let sizes else { return nil }
        let parts = sizes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { part in
            guard let size = Int(part), size >= 1 else {
                throw failure("invalid --sizes '\(sizes)': '\(part)' is not a positive integer; expected increasing sizes such as 25,50,100", status: ExitStatus.usage)
            }
            return size
        }
    }
}
