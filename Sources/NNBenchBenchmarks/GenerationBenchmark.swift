import NNBenchDatasets
import NNBenchEngine

/// The speed of nnbench's dataset generators, for `nnbench bench generate` and for comparison
/// with scikit-learn's (`scripts/bench_generate.py`).
public enum GenerationBenchmark {
    /// The time to generate one task's splits in memory.
    public struct Result: Sendable, Codable, Equatable {
        /// The task's name.
        public var task: String
        /// Samples in all splits together.
        public var samples: Int
        /// The fastest generation, in seconds.
        public var seconds: Double
    }

    /// Generates a task `repeats` times and keeps the fastest time, since on a shared machine
    /// slower runs measure interference, not the generator.
    ///
    /// - Parameters:
    ///   - repeats: Timed repetitions, at least 1.
    ///   - generate: Generates the task's splits.
    /// - Returns: The task, its number of samples and the fastest time.
    /// - Throws: What `generate` throws.
    public static func time(repeats: Int, _ generate: () throws -> LearningTask) rethrows -> Result {
        precondition(repeats >= 1, "generation benchmark: repeats must be positive")
        let clock = ContinuousClock()
        var best = Duration.seconds(Int64.max)
        var task: LearningTask?
        for _ in 0..<repeats {
            let elapsed = try clock.measure { task = try generate() }
            best = min(best, elapsed)
        }
        let samples = task.map { $0.train.count + $0.validation.count + $0.test.count } ?? 0
        return Result(task: task?.name ?? "", samples: samples, seconds: best.seconds)
    }
}
