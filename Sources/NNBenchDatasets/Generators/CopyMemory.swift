import Foundation
import NNBenchIO

extension TaskDefinition {
    /// The `copy-memory` catalogue entry; see ``Generators/copyMemory(sizes:delay:length:alphabet:seed:)``.
    public static let copyMemory = TaskDefinition(
        name: "copy-memory",
        summary: "the copy-memory problem: read K symbols, wait T steps, then write the K symbols back, one class per step",
        formula: "s_k ~ U{1..A}; x = (s_1 … s_K, 0 × (T − 1), A + 1, 0 × K); y = (0 × (T + K), s_1 … s_K); 0 is the blank, A + 1 the delimiter",
        citation: "Arjovsky, Shah & Bengio, Unitary evolution recurrent neural networks, ICML 2016; Hochreiter & Schmidhuber, Neural Computation 9 (1997)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [
                ParameterDefinition("delay", "steps T from the last symbol read to the delimiter's step, included", domain: .integer(1...1000), default: .integer(10)),
                ParameterDefinition("length", "number of symbols K to copy", domain: .integer(1...100), default: .integer(3)),
                ParameterDefinition("alphabet", "number of symbols A", domain: .integer(2...100), default: .integer(8)),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.copyMemory(
            sizes: arguments.sizes, delay: arguments.integer("delay"), length: arguments.integer("length"),
            alphabet: arguments.integer("alphabet"), seed: arguments.seed)
    }
}

extension Generators {
    /// The copy-memory problem: remember a short sequence of symbols over a delay, then write it
    /// back, one class per step.
    ///
    /// A sample is a sequence of `T + 2K` tokens, `T` = `delay`, `K` = `length`, `A` = `alphabet`:
    /// the K symbols `s_k`, each uniform in `1...A` and drawn in order from the sample's own stream,
    /// then `T − 1` blanks (token 0), the delimiter (token `A + 1`), then K blanks. The target has
    /// one class per step: the blank (class 0) for the first `T + K` steps, then `s_1 … s_K`. So the
    /// inputs are token indices `[T + 2K]` in `0...A + 1` (for an `embedding(A + 2, dim)`), the
    /// targets class indices `[T + 2K]` in `0...A`, and the model outputs `[T + 2K, A + 1]` logits,
    /// a recurrent layer keeping every step; softmax cross-entropy averages over every (sample,
    /// step) pair (docs/protocol.md, "Losses").
    ///
    /// Known: a model that knows the step but stored no symbol (the memoryless baseline of
    /// Arjovsky et al. 2016) predicts the blank with certainty for the first `T + K` steps, at loss
    /// 0, and, since `s_k` is uniform and independent of everything else the model read, the uniform
    /// distribution over the A symbols for the last K, at loss `ln A` each: a mean cross-entropy of
    /// `K·ln(A)/(T + 2K)` per step, which no prediction without memory can beat (the cross-entropy
    /// of a uniform target is least at the uniform prediction). Its accuracy is
    /// `(T + K + K/A)/(T + 2K)`; always predicting the blank, the most frequent class, gives
    /// `(T + K)/(T + 2K)`. The classes' pooled frequencies, the blank `(T + K)/(T + 2K)` and each
    /// symbol `K/(A(T + 2K))`, have the entropy of the best constant prediction. A perfect copy has
    /// loss 0 and accuracy 1, which is the Bayes accuracy: the inputs determine every target.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - delay: T, in 1...1000. Default 10 (Arjovsky et al. use 100 to 500; 10 keeps the
    ///     reference solution's training under a second, and a plain `rnn` already fails there).
    ///   - length: K, the symbols to copy, in 1...100. Default 3 (Arjovsky et al. 10).
    ///   - alphabet: A, the number of symbols, in 2...100. Default 8, as Arjovsky et al.
    ///   - seed: The seed. Default 0.
    /// - Returns: A multiclass task of `A + 1` classes with token inputs `[T + 2K]` and one class
    ///   target per step, `[T + 2K]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × (T + 2K)).
    /// - SeeAlso: ``adding(sizes:length:seed:)``.
    ///
    /// Reference: M. Arjovsky, A. Shah and Y. Bengio, "Unitary evolution recurrent neural
    /// networks", *ICML* (2016), section 4.1 (T = 100 … 500, K = 10, A = 8); S. Hochreiter and
    /// J. Schmidhuber, "Long short-term memory", *Neural Computation* 9(8) (1997), experiment 2.
    public static func copyMemory(
        sizes: SplitSizes = TaskDefinition.copyMemory.defaults.sizes,
        delay: Int = TaskDefinition.copyMemory.defaults.integer("delay"),
        length: Int = TaskDefinition.copyMemory.defaults.integer("length"),
        alphabet: Int = TaskDefinition.copyMemory.defaults.integer("alphabet"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.copyMemory.validate(
            sizes.parameterValues.merging(["delay": .integer(delay), "length": .integer(length), "alphabet": .integer(alphabet)]) { $1 })
        let (t, k, a) = (delay, length, alphabet)
        let steps = t + 2 * k
        let splits = try SplitBuilder.independent(
            task: "copy-memory", seed: seed, sizes: sizes, inputShape: [steps], targetShape: [steps]
        ) { stream, _, x, y in
            for step in 0..<steps { (x[step], y[step]) = (0, 0) }
            for index in 0..<k {
                let symbol = Double(1 + stream.integer(below: a))
                x[index] = symbol
                y[t + k + index] = symbol
            }
            x[t + k - 1] = Double(a + 1)
        }
        let total = Double(steps)
        let blankShare = Double(t + k) / total
        let memoryless = Double(k) * log(Double(a)) / total
        let symbolShare = Double(k) / total
        return LearningTask(
            name: "copy-memory", parameters: parameters, seed: seed, kind: .multiclass(classes: a + 1),
            inputShape: [steps], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                priorEntropy: Math.entropy([blankShare] + Array(repeating: symbolShare / Double(a), count: a)),
                memorylessLoss: memoryless,
                facts: [
                    "the memoryless baseline: the blank for \(t + k) steps, uniform over the \(a) symbols for the last \(k): cross-entropy \(k)·ln \(a)/\(steps) = \(memoryless.numberText), accuracy \(((Double(t + k) + Double(k) / Double(a)) / total).numberText)",
                    "inputs are tokens: 0 blank, 1...\(a) symbols, \(a + 1) the delimiter (for embedding(\(a + 2), dim)); one class target per step, \(a + 1) classes",
                    "a perfect copy has cross-entropy 0 and accuracy 1",
                ]),
            chanceLevel: blankShare,
            expectedInitialLoss: log(Double(a + 1)),
            // Accuracy (T + 1.5K)/(T + 2K) cannot be reached without copying at least half of the
            // symbols, since the blanks are T + K of the T + 2K steps; the memoryless model
            // copies 1/A of them.
            reference: ReferenceSolution(
                architecture: "embedding(\(a + 2), 8) gru(32) dense(\(a + 1))", optimizer: "adam(lr: 0.02)", epochs: 30,
                batchSize: 16,
                target: Target(metric: .accuracy, split: .test, value: (Double(t + k) + 0.5 * Double(k)) / total)))
    }
}
