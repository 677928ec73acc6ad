import Foundation
@testable import NNBenchEngine
import NNBenchDatasets
import Testing

/// The sequence tasks' known losses through the engine's own per-step loss, which averages
/// softmax cross-entropy over every (sample, step) pair.
@Suite("Sequence task losses")
struct SequenceTaskLossTests {
    /// Copy-memory's memoryless baseline, as logits: the blank at +50 for the first T + K steps
    /// (loss `ln(1 + A·e⁻⁵⁰)`, 2e-21), and equal logits for the A symbols with the blank at −50 for
    /// the last K (loss `ln A + ln(1 + e⁻⁵⁰/A)`). The mean over the n·(T + 2K) pairs is then
    /// `K·ln(A)/(T + 2K)` to within rounding, 1e-14.
    @Test func copyMemorysMemorylessBaselineIsItsKnownLoss() throws {
        let (delay, length, alphabet, n) = (6, 3, 8, 5)
        let task = try Generators.copyMemory(
            sizes: SplitSizes(train: n, validation: 1, test: 1), delay: delay, length: length, alphabet: alphabet)
        let steps = delay + 2 * length, classes = alphabet + 1
        var logits = [Double](repeating: 0, count: n * steps * classes)
        for sample in 0..<n {
            for step in 0..<steps {
                logits[(sample * steps + step) * classes] = step < delay + length ? 50 : -50
            }
        }
        let targets = task.train.targets
        let loss = logits.withUnsafeMutableBufferPointer { z in
            let output = Batch(count: n, shape: task.outputShape, pointer: z.baseAddress!)
            let (rows, width) = output.lossRows
            #expect(rows == n * steps && width == classes)
            return targets.withUnsafeBufferPointer { y in
                Double._loss(.softmaxCrossEntropy, predictions: z.baseAddress!, targets: y.baseAddress!, samples: rows, width: width, gradient: nil)
            }
        }
        let known = try #require(task.answer.memorylessLoss)
        #expect(abs(loss - known) < 1e-14, "\(loss) vs \(known)")
        #expect(abs(known - Double(length) * log(Double(alphabet)) / Double(steps)) < 1e-15)
    }

    /// Counting's known exact model: `rnn(1, nonlinearity: relu, sequence: false)` with both
    /// weights 1 and both biases 0 keeps `h_t = relu(x_t + h_{t−1})`, the running count, so its
    /// output is every target exactly (sums of at most 13 ones, exact in Double). With the
    /// recurrent weight at 0.9 it forgets, and is not.
    @Test func countingsReluCounterIsExact() throws {
        let (n, length) = (60, 13)
        let task = try Generators.counting(sizes: SplitSizes(train: n, validation: 1, test: 1), length: length, seed: 2)
        let resolved = try ArchitectureSpec(parsing: "rnn(1, nonlinearity: relu, sequence: false)")
            .resolve(inputShape: task.inputShape, outputShape: task.outputShape)
        let inputs = Tensor<Double>(shape: [n] + task.inputShape, scalars: task.train.inputs)
        func outputs(recurrentWeight: Double) throws -> [Double] {
            let network = Network<Double>(resolved, loss: .mse, seed: 0)
            let one = Tensor<Double>(shape: [1, 1], scalars: [1]), zero = Tensor<Double>(shape: [1], scalars: [0])
            try network.setParameters([
                "0.weight_ih": one, "0.weight_hh": Tensor(shape: [1, 1], scalars: [recurrentWeight]),
                "0.bias_ih": zero, "0.bias_hh": zero,
            ])
            return network.forward(inputs).scalars
        }
        #expect(try outputs(recurrentWeight: 1) == task.train.targets)
        #expect(try outputs(recurrentWeight: 0.9) != task.train.targets)
    }
}
