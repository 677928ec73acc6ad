import ArgumentParser
import Foundation
import NNBench

/// `nnbench bench`: the speed of the engine's matrix product and training steps.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the engine's matrix product and training steps (see scripts/ for side-by-side comparisons).",
        discussion: """
            Examples:
              nnbench bench matmul --sizes 256,512 --threads 2
              nnbench bench train xor
              nnbench bench generate moons --n 1000000

            Exit status: 0; 2 when standard output cannot be written (a closed pipe, a full disk); 64 for a usage error.
            """,
        subcommands: [Generate.self, Matmul.self, Train.self])

    /// The encoder of `--json`: keys sorted, so that two runs' lines differ only in their figures.
    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seconds to generate a task's splits in memory (best of repeated runs; no writing).",
            discussion: """
                Examples:
                  nnbench bench generate moons --n 1000000 --repeats 3

                Exit status: 0; 2 when standard output cannot be written (a closed pipe, a full disk); 64 for a usage error.
                """)

        @OptionGroup var task: TaskOptions

        @Option(parsing: .unconditional, help: "Timed repetitions; the fastest counts.")
        var repeats: Int = 5

        @Flag(help: "Print {task, samples, seconds} as JSON.")
        var json = false

        func run() throws {
            guard (1...1000).contains(repeats) else {
                throw failure("invalid --repeats '\(repeats)'; expected an integer in 1...1000", status: ExitStatus.usage)
            }
            let result = try GenerationBenchmark.time(repeats: repeats) { try task.makeTask(seed: "0") }
            if json {
                print(String(decoding: try BenchCommand.jsonEncoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "%@: %d samples in %.3f s", result.task, result.samples, result.seconds))
            }
        }
    }

    struct Matmul: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GFLOPS of a square Float32 matrix product.",
            discussion: """
                Examples:
                  nnbench bench matmul
                  nnbench bench matmul --sizes 512,1024 --threads 2 --json

                Exit status: 0; 2 when standard output cannot be written (a closed pipe, a full disk); 64 for a usage error.
                """)

        @Option(parsing: .unconditional, help: "Comma-separated sizes n of the n×n matrices.")
        var sizes: String = "64,256,512,1024"

        @Option(parsing: .unconditional, help: "The threads the product may use.")
        var threads: Int = 1

        @Flag(help: "Print a JSON array of {n, threads, gflops}.")
        var json = false

        func run() throws {
            let parsed = sizes.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 8192 }) else {
                throw failure("invalid --sizes '\(sizes)'; expected comma-separated integers in 1...8192", status: ExitStatus.usage)
            }
            guard (1...256).contains(threads) else {
                throw failure("invalid --threads '\(threads)'; expected an integer in 1...256", status: ExitStatus.usage)
            }
            let results = parsed.map { KernelBenchmark.matmul(n: $0!, threads: threads) }
            if json {
                print(String(decoding: try BenchCommand.jsonEncoder.encode(results), as: UTF8.self))
            } else {
                for result in results {
                    print(String(format: "n %5d  threads %d  %7.1f GFLOPS", result.n, result.threads, result.gflops))
                }
            }
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training samples per second of an architecture on a task (forward, backward, update).",
            discussion: """
                Without --arch, times the task's reference architecture; without --batch, batches \
                of 32 samples, or the whole training split when it is smaller.

                Examples:
                  nnbench bench train xor
                  nnbench bench train moons --n 4096 --arch "dense(64) relu dense(64) relu dense(1)" --batch 32

                Exit status: 0; 2 when a model file cannot be read or standard output cannot be written; 64 for a usage error.
                """)

        @OptionGroup var task: TaskOptions

        @Option(help: ArgumentHelp("The architecture, a spec or a JSON model file (default: the task's reference architecture).", valueName: "spec"))
        var arch: String?

        @Option(help: ArgumentHelp("The optimizer.", valueName: "spec"))
        var optimizer: String = "sgd(lr: 0.01)"

        @Option(parsing: .unconditional, help: "Samples per step (default: 32, or the training split's size when it is smaller).")
        var batch: Int?

        @Option(parsing: .unconditional, help: "Timed steps.")
        var steps: Int = 1000

        @Option(parsing: .unconditional, help: "The threads a matrix product may use.")
        var threads: Int = 1

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() throws {
            let task = try self.task.makeTask(seed: "0")
            let architecture = try ArchitectureArgument.parse(arch ?? task.reference.architecture, for: task)
            let optimizerSpec: OptimizerSpec
            do { optimizerSpec = try OptimizerSpec(parsing: optimizer) } catch {
                throw failure("invalid --optimizer: \(error.description)", status: ExitStatus.usage)
            }
            let batch = self.batch ?? min(32, task.train.count)
            guard batch >= 1 && batch <= task.train.count else {
                throw failure("invalid --batch '\(batch)'; expected an integer in 1...\(task.train.count) (the training split's size)", status: ExitStatus.usage)
            }
            // 10^7 steps of the smallest network take minutes: a bound that catches a typo'd
            // exponent before it runs for hours.
            guard (1...10_000_000).contains(steps) else {
                throw failure("invalid --steps '\(steps)'; expected an integer in 1...10000000", status: ExitStatus.usage)
            }
            guard (1...256).contains(threads) else {
                throw failure("invalid --threads '\(threads)'; expected an integer in 1...256", status: ExitStatus.usage)
            }
            let result: TrainingBenchmark.Result
            do {
                result = try TrainingBenchmark.train(
                    task: task, architecture: architecture, optimizer: optimizerSpec, batch: batch, steps: steps, threads: threads)
            } catch {
                throw failure("cannot train on task '\(task.name)' in batches of \(batch): \(error.description)", status: ExitStatus.usage)
            }
            if json {
                print(String(decoding: try BenchCommand.jsonEncoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "%@  batch %d  threads %d  %.0f samples/s", result.architecture, result.batch, result.threads, result.samplesPerSecond))
            }
        }
    }
}
