import Foundation

extension TaskDefinition {
    /// The `sequence-parity` catalogue entry; see ``Generators/sequenceParity(sizes:length:seed:)``.
    public static let sequenceParity = TaskDefinition(
        name: "sequence-parity",
        summary: "the parity of a bit sequence read one bit per step: 1 when the number of ones is odd",
        formula: "x_t ~ U{0, 1} for t in 0..<T; y = (x_0 + … + x_{T-1}) mod 2",
        citation: "Hochreiter & Schmidhuber, LSTM can solve hard long time lag problems, NIPS 9 (1997); Bengio, Simard & Frasconi, IEEE Trans. Neural Networks 5 (1994)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 256, validation: 500, test: 500))
            + [ParameterDefinition("length", "number of time steps T", domain: .integer(2...1000), default: .integer(6))]
    ) { arguments throws(DatasetError) in
        try Generators.sequenceParity(sizes: arguments.sizes, length: arguments.integer("length"), seed: arguments.seed)
    }
}

extension Generators {
    /// The sequence parity problem: bits read one per step; the label is 1 when the sequence has
    /// an odd number of ones.
    ///
    /// A sample is `length` = T steps `x_t ∈ {0, 1}`, each uniform and independent, drawn in order
    /// from the sample's own stream; the label is `y = (Σ_t x_t) mod 2`. The input is a sequence
    /// `[T, 1]` for a recurrent layer (`flatten` makes it ``parity(bits:)``'s input, sampled
    /// rather than enumerated). The network must carry one bit, the running parity, across all
    /// T steps and flip it at every one: `h_t = h_{t−1} XOR x_t`.
    ///
    /// Known: the label is a function of the input, so the Bayes accuracy is 1. Parity is all or
    /// nothing: for any step t, `y` is independent of every input but `x_t` (and of `x_t` alone),
    /// since flipping `x_t` flips `y`, so a model that ignores even one step, such as one without
    /// memory that reads the last step only, has accuracy 1/2 and cross-entropy `ln 2` at best.
    /// The classes are equally likely: the loss at initialisation is `ln 2`. No correlation of the
    /// label with fewer than T inputs guides gradient descent: Hochreiter and Schmidhuber showed
    /// random weight guessing solving Bengio et al.'s parity problem faster than the algorithms
    /// Bengio et al. had proposed for it.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 256, 500, 500.
    ///   - length: T, in 2...1000. Default 6, so that the reference solution learns it in well
    ///     under a second (seeds 0 to 19 all met its target, in 21 to 42 of its 60 epochs): 256
    ///     draws of the 64 sequences leave about 64·(63/64)^256 ≈ 1.1 of them out of the training
    ///     split (63 occur at seed 0), so the test accuracy mostly says how many of them the
    ///     network gets right. At T = 8 neither `lstm(8)` nor `rnn(8)` left accuracy 1/2 in 40
    ///     epochs (5 seeds each), the difficulty the task exists to show.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[length, 1]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × length).
    /// - SeeAlso: ``parity(bits:)`` (all patterns at once, for a dense network),
    ///   ``counting(sizes:length:seed:)`` (the number of ones, not its parity).
    ///
    /// Reference: S. Hochreiter and J. Schmidhuber, "LSTM can solve hard long time lag problems",
    /// *Advances in Neural Information Processing Systems* 9 (1997), the parity problem; Y. Bengio,
    /// P. Simard and P. Frasconi, "Learning long-term dependencies with gradient descent is
    /// difficult", *IEEE Transactions on Neural Networks* 5(2), 157–166 (1994).
    public static func sequenceParity(
        sizes: SplitSizes = TaskDefinition.sequenceParity.defaults.sizes,
        length: Int = TaskDefinition.sequenceParity.defaults.integer("length"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.sequenceParity.validate(sizes.parameterValues.merging(["length": .integer(length)]) { $1 })
        let splits = try SplitBuilder.bitSequences(task: "sequence-parity", seed: seed, sizes: sizes, length: length) { ones in Double(ones % 2) }
        return LearningTask(
            name: "sequence-parity", parameters: parameters, seed: seed, kind: .binary,
            inputShape: [length, 1], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                priorEntropy: log(2),
                memorylessLoss: log(2),
                facts: [
                    "the input is a sequence: x[t] = (bit) of step t",
                    "a model that ignores any one of the \(length) steps (one without memory sees only the last) has accuracy 1/2 at best",
                    "a recurrent layer that keeps one bit and flips it on each 1 is exact",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: log(2),
            reference: ReferenceSolution(
                architecture: "lstm(8, sequence: false) dense(1)", optimizer: "adam(lr: 0.02)", epochs: 60,
                batchSize: 8,
                target: Target(metric: .accuracy, split: .test, value: 0.95)))
    }
}
