import ArgumentParser
import Foundation
import NNBench

/// `nnbench train TASK`: train an architecture on a task with the reference engine.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an architecture on a task with nnbench's reference engine.",
        discussion: """
            Without --arch, --optimizer, --epochs and --batch, trains the task's reference solution \
            (see 'nnbench show TASK'). Prints one line per epoch (a progress bar on a terminal) and \
            a summary; --json prints the whole record instead. The same arguments give the same \
            numbers, bit for bit. Sizes beyond the engine's limits (2^26 parameters, 2^22 values \
            per sample in a layer, 2^28 in a layer's batch) and batches batchnorm cannot \
            normalise are refused before training.

            Examples:
              nnbench train xor
              nnbench train spirals --arch "dense(100) relu dense(3)" --optimizer "sgd(lr: 1, momentum: 0.9)" --epochs 50
              nnbench train bars-stripes --arch "conv2d(4, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(1)"
              nnbench train two-spirals --stop-at-target --json
              nnbench train moons --save-weights moons-weights --save-epochs "every 10,last"
              nnbench train xor --inject dense-missing-bias-gradient

            --inject BUG trains on an engine that makes one of the classic bugs of 'nnbench \
            check --list-bugs', to see what it does to the curves, the report and the \
            diagnoses; every output says the run carries it (the text, an "injectedFault" field \
            in --json, the report's heading). A bug the architecture, loss or optimizer never \
            reaches is refused.

            Exit status: 0 when training ran; 1 when the loss stopped being finite (the run \
            diverged), or with --stop-at-target when the target was not met; 2 when a model file cannot be read or is not a model, or the --report or --save-weights output cannot be written; 64 for a usage \
            error (an unknown task, a malformed spec, an architecture that does not fit the task).
            """)

    @OptionGroup var task: TaskOptions

    @Option(help: ArgumentHelp("The architecture, e.g. \"dense(16) relu dense(1)\", or a JSON model file (docs/protocol.md).", valueName: "spec"))
    var arch: String?

    @Option(help: ArgumentHelp("The optimizer, e.g. \"adam(lr: 0.01)\" or \"sgd(lr: 0.1, momentum: 0.9)\".", valueName: "spec"))
    var optimizer: String?

    @Option(help: ArgumentHelp("The learning-rate schedule: constant, \"step(size: 30, gamma: 0.1)\", cosine, \"warmup(steps: 100) cosine\".", valueName: "spec"))
    var schedule: String = "constant"

    @Option(help: ArgumentHelp("Gradient clipping: \"norm(1.0)\" or \"value(0.5)\".", valueName: "spec"))
    var clip: String?

    @Option(parsing: .unconditional, help: "Passes over the training split.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Samples per step.")
    var batch: Int?

    @Option(parsing: .unconditional, help: "The seed of the initial weights, the shuffling and dropout.")
    var seed: String = "0"

    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "The seed of the task's data.")
    var dataSeed: String = "0"

    @Option(parsing: .unconditional, help: "The most threads a matrix product may use (results do not depend on it).")
    var threads: Int = 1

    @Flag(help: "Stop after the first epoch that meets the task's target.")
    var stopAtTarget = false

    @Flag(help: "Print the whole record (per-epoch curves, final metrics, epochs to target, wall time) as JSON.")
    var json = false

    @Option(help: ArgumentHelp(
        "Write an HTML report (learning curves, per-layer norms and histograms, weight matrices, activations, decision regions); see docs/reports.md.",
        valueName: "file.html"))
    var report: String?

    @Option(help: ArgumentHelp(
        "Write TensorBoard event files (per-epoch scalars and histograms) to DIR/TASK/seed-N; see docs/reports.md.", valueName: "dir"))
    var tensorboard: String?

    @Flag(name: .customLong("no-diagnoses"), help: "Do not diagnose the run (dead units, update ratios, a loss that does not fall: docs/diagnoses.md); diagnoses are warnings and never change the exit status.")
    var noDiagnoses = false

    @Option(help: ArgumentHelp("Train with one of the classic bugs of 'nnbench check --list-bugs' injected into the engine, to see what it does to a run.", valueName: "bug"))
    var inject: String?

    @Option(name: .customLong("save-weights"), help: ArgumentHelp(
        "Save the weights as NumPy files, DIR/epoch-NNNN/<layer>-<type>.<tensor>.npy, and DIR/manifest.json; see docs/reports.md.",
        valueName: "dir"))
    var saveWeights: String?

    @Option(name: .customLong("save-epochs"), help: ArgumentHelp(
        "The epochs --save-weights saves: numbers, 'last', 'every N' or 'all', separated by commas (default: 0,last).", valueName: "list"))
    var saveEpochs: String?

    func run() throws {
        let task = try self.task.makeTask(seed: dataSeed, option: "--data-seed")
        let architecture = try readArchitecture(for: task)
        var configuration = try makeConfiguration(for: task)
        let savedEpochs = try parseSaveEpochs(budget: configuration.epochs)
        if let savedEpochs {
            configuration.observation = TrainingObservation(
                snapshotEpochs: savedEpochs.epochs, measures: report != nil || tensorboard != nil, unitStatistics: !noDiagnoses)
        }
        // What the user asked to observe; the diagnoses add the unit statistics and the weights at
        // the run's two ends, which the record then leaves out again.
        let asked = configuration.observation
        if asked == nil, !noDiagnoses { configuration.observation = TrainingObservation(measures: false, unitStatistics: true) }
        let resolved: ResolvedArchitecture
        do { resolved = try architecture.resolve(for: task) } catch {
            throw failure("the architecture does not fit task '\(task.name)': \(error.description)", status: ExitStatus.usage)
        }
        let fault = try parseInject(architecture: architecture, task: task, optimizer: configuration.optimizer)
        let run: TrainingRun<Float>
        do {
            run = if let fault {
                try TrainingRun(task: task, resolved: resolved, configuration: configuration, fault: fault)
            } else {
                try TrainingRun(task: task, resolved: resolved, configuration: configuration)
            }
        } catch {
            throw failure("cannot train on task '\(task.name)' in batches of \(configuration.batchSize): \(error.description)", status: ExitStatus.usage)
        }
        try OutputPath.checkDistinct([("--report", report), ("--tensorboard", tensorboard), ("--save-weights", saveWeights)])
        if let report { try OutputPath.checkFile(report, option: "--report") }
        if let tensorboard { try OutputPath.prepareFolder(tensorboard, option: "--tensorboard") }
        if let saveWeights { try OutputPath.prepareFolder(saveWeights, option: "--save-weights") }
        if let fault, !json { print(Self.injectedNotice(fault)) }
        let printer = EpochPrinter(totalEpochs: configuration.epochs, kind: task.kind, quiet: json)
        var record = run.run(onEpoch: printer.print)
        printer.finish()
        let diagnoses = noDiagnoses ? nil : TrainingDiagnoses.diagnose(record)
        if asked == nil {
            // The norms per time step stay: a few numbers per recurrent layer, what --json shows of
            // the gradient through time (docs/diagnoses.md).
            let timeSteps = record.timeStepGradients
            record = record.withoutObservations
            record.timeStepGradients = timeSteps
        } else if asked?.measures == false {
            for index in record.epochs.indices { record.epochs[index].activations = nil }
        }
        if let diagnoses { DiagnosisWarnings.print(diagnoses) }
        if let report {
            var page = TrainingReport(
                task: task, architecture: run.network.architecture, target: run.target, records: [record],
                summary: (fault.map { [Self.injectedNotice($0)] } ?? []) + [quotedCommandLine])
            page.diagnoses = diagnoses.map { [$0] } ?? []
            try writePage(page.html, to: report)
        }
        if let tensorboard {
            do throws(FileError) {
                try TensorBoardLog(record: record).write(to: TensorBoardLog.folder(in: tensorboard, name: task.name, seed: record.seed))
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
        }
        if let savedEpochs { try saveWeights(of: record, architecture: run.network.architecture, epochs: savedEpochs, budget: configuration.epochs) }
        if json {
            try printJSON(DiagnosedRecord(record: record, diagnoses: diagnoses, injectedFault: fault))
        } else {
            print(TrainingSummary(record: record, task: task).text, terminator: "")
            if let fault { print(Self.injectedNotice(fault)) }
        }
        if case .diverged = record.outcome { throw ExitStatus.failed }
        // Asked to reach the target, a run that does not is a missed target: status 1, as in run.
        if stopAtTarget, record.epochsToTarget == nil { throw ExitStatus.failed }
    }

    private func readArchitecture(for task: LearningTask) throws -> ArchitectureSpec {
        try ArchitectureArgument.parse(arch ?? task.reference.architecture, for: task)
    }

    private func makeConfiguration(for task: LearningTask) throws -> TrainingConfiguration {
        let optimizerSpec: OptimizerSpec, scheduleSpec: ScheduleSpec, clipSpec: ClipSpec?
        do { optimizerSpec = try OptimizerSpec(parsing: optimizer ?? task.reference.optimizer) } catch {
            throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
        }
        do { scheduleSpec = try ScheduleSpec(parsing: schedule) } catch {
            throw failure("invalid --schedule: \(error.description)", status: ExitStatus.usage)
        }
        do { clipSpec = try clip.map { text throws(SpecError) in try ClipSpec(parsing: text) } } catch {
            throw failure("invalid --clip: \(error.description)", status: ExitStatus.usage)
        }
        let epochs = self.epochs ?? task.reference.epochs
        let batch = self.batch ?? task.reference.batchSize
        guard epochs >= 1 && epochs <= 1_000_000 else {
            throw failure("invalid --epochs '\(epochs)'; expected an integer in 1...1000000", status: ExitStatus.usage)
        }
        guard batch >= 1 else {
            throw failure("invalid --batch '\(batch)'; expected a positive integer", status: ExitStatus.usage)
        }
        guard threads >= 1 && threads <= 256 else {
            throw failure("invalid --threads '\(threads)'; expected an integer in 1...256", status: ExitStatus.usage)
        }
        return TrainingConfiguration(
            optimizer: optimizerSpec, schedule: scheduleSpec, clipping: clipSpec, epochs: epochs, batchSize: batch,
            seed: try parseSeed(seed, option: "--seed"), stopAtTarget: stopAtTarget, threads: threads,
            observation: report == nil && tensorboard == nil ? nil : TrainingObservation())
    }
}
