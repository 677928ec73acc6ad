import NNBenchEngine
import Testing
import NNBenchDatasets

/// The training loop: identical records for identical inputs, whatever the threads, and a clear
/// report when the loss stops being finite.
@Suite("Training runs")
struct TrainingRunTests {
    static func record(_ task: LearningTask, _ architecture: String, optimizer: String, epochs: Int, batch: Int, threads: Int = 1) throws -> TrainingRecord {
        var record = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: architecture),
            configuration: TrainingConfiguration(
                optimizer: try OptimizerSpec(parsing: optimizer), epochs: epochs, batchSize: batch, seed: 5, threads: threads)
        ).run()
        record.wallSeconds = 0
        return record
    }

    @Test func twoRunsGiveTheSameRecordBitForBit() throws {
        let task = try Generators.spirals(sizes: SplitSizes(train: 60, validation: 30, test: 30))
        let a = try Self.record(task, "dense(8) tanh dropout(0.1) dense(3)", optimizer: "adam(lr: 0.01)", epochs: 3, batch: 16)
        let b = try Self.record(task, "dense(8) tanh dropout(0.1) dense(3)", optimizer: "adam(lr: 0.01)", epochs: 3, batch: 16)
        #expect(a == b)
        #expect(a.epochs.count == 4 && a.epochs[3].train.loss != a.epochs[0].train.loss)
    }

    @Test func threadsDoNotChangeTheNumbers() throws {
        // 96×96 products with a batch of 96 cross the GEMM's threading threshold (2^18
        // multiply-adds), so two threads really split them.
        let task = try TaskCatalogue.definition(named: "random-labels").makeTask(["features": "96", "n": "192", "n-valid": "8", "n-test": "8"])
        let one = try Self.record(task, "dense(96) relu dense(96) relu dense(2)", optimizer: "sgd(lr: 0.1, momentum: 0.9)", epochs: 2, batch: 96)
        let two = try Self.record(task, "dense(96) relu dense(96) relu dense(2)", optimizer: "sgd(lr: 0.1, momentum: 0.9)", epochs: 2, batch: 96, threads: 2)
        #expect(one == two)
    }

    @Test func aDivergingRunStopsWithItsEpochAndStep() throws {
        let task = try Generators.sum(sizes: SplitSizes(train: 64, validation: 8, test: 8))
        let record = try Self.record(task, "dense(1)", optimizer: "sgd(lr: 1000)", epochs: 50, batch: 8)
        guard case .diverged(let epoch, let step, _) = record.outcome else {
            Issue.record("a learning rate of 1000 did not diverge: \(record.outcome)")
            return
        }
        #expect(epoch >= 1 && step >= 1 && step <= 8)
        // The record ends with the epoch that diverged, evaluated as the network stood.
        #expect(record.epochs.count == epoch + 1 && record.epochs.last?.epoch == epoch)
    }

    @Test("a loss that is finite at every step but not after the last one is a divergence, with its epoch and step")
    func divergenceAfterTheLastStep() throws {
        // adam(lr: 1e308): the first step's loss is finite, the weights it leaves are not; with
        // the whole training split in one batch that step is the epoch's last and only one.
        let task = try Generators.xor()
        let record = try Self.record(task, "dense(4) tanh dense(1)", optimizer: "adam(lr: 1e308)", epochs: 1, batch: task.train.count)
        #expect(record.outcome == .diverged(epoch: 1, step: 1, loss: "nan"))
        #expect(record.epochs.count == 2 && record.epochs[1].train.loss.isNaN)
    }

    @Test func anArchitectureThatDoesNotFitIsRefusedBeforeTraining() throws {
        let task = try Generators.barsStripes(sizes: SplitSizes(train: 8, validation: 2, test: 2))
        #expect(throws: SpecError.self) {
            try TrainingRun<Float>(
                task: task, architecture: try ArchitectureSpec(parsing: "conv2d(2, kernel: 3) dense(1)"),
                configuration: TrainingConfiguration(optimizer: .sgd(learningRate: 0.1), epochs: 1, batchSize: 4))
        }
    }
}
