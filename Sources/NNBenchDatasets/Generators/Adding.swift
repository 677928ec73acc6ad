import NNBenchIO

extension TaskDefinition {
    /// The `adding` catalogue entry; see ``Generators/adding(sizes:length:seed:)``.
    public static let adding = TaskDefinition(
        name: "adding",
        summary: "the adding problem: a sequence of values and markers; the target is the sum of the two marked values",
        formula: "x_t = (v_t, m_t), v_t ~ U(0, 1); m_t = 1 at one step uniform in [0, ⌊T/2⌋) and one in [⌊T/2⌋, T), else 0; y = Σ_t v_t m_t",
        citation: "Hochreiter & Schmidhuber, Long short-term memory, Neural Computation 9 (1997); Le, Jaitly & Hinton, arXiv:1504.00941 (2015)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [ParameterDefinition("length", "number of time steps T", domain: .integer(2...1000), default: .integer(50))]
    ) { arguments throws(DatasetError) in
        try Generators.adding(sizes: arguments.sizes, length: arguments.integer("length"), seed: arguments.seed)
    }
}

extension Generators {
    /// The adding problem: a sequence of random values, two of them marked; the target is the sum
    /// of the marked values, read after the last step.
    ///
    /// A sample is `length` = T steps `x_t = (v_t, m_t)`: a value `v_t ~ U(0, 1)` and a marker
    /// `m_t ∈ {0, 1}`. Exactly two markers are 1: one at a step drawn uniformly from the first half
    /// `0..<⌊T/2⌋`, one from the second half `⌊T/2⌋..<T` (as Le et al. 2015; Hochreiter &
    /// Schmidhuber place the first in the first ten steps). The target is `y = Σ_t v_t m_t`. The
    /// values are drawn first, then the two marked steps, from the sample's own stream.
    ///
    /// The input is a sequence, `[T, 2]` (row-major: `x[2t]` is `v_t`, `x[2t + 1]` is `m_t`), for a
    /// recurrent layer; a dense network can read it after `flatten`.
    ///
    /// Known: the target is the sum of two independent U(0, 1) values, with mean 1 and variance
    /// 1/6, so the best constant prediction, 1, has MSE 1/6 ≈ 0.167, the memoryless figure (the
    /// best prediction from the step alone; Le et al. 2015 call a model that beats it one that
    /// learnt the task). Only one step's input helps a model without memory: when the last step is marked (probability
    /// `1/(T − ⌊T/2⌋)`) its value is one of the two, and predicting it plus 1/2 has MSE 1/12, so such
    /// a model reaches `1/6 − 1/(12(T − ⌊T/2⌋))` at best. The loss at initialisation is
    /// `E[y²] = 7/6`; there is no noise. Because `v_t ∈ [0, 1)`, `v_t m_t = relu(v_t + m_t − 1)`,
    /// so one hidden layer of T ReLU units on the flattened input represents the target exactly.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - length: The sequence length T, in 2...1000. Default 50, long enough that a plain `rnn`
    ///     stays at the memoryless MSE where a GRU learns the task in a few epochs.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[length, 2]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × length).
    /// - SeeAlso: ``sum(sizes:inputs:seed:)`` (a sum of every input, not of two marked ones),
    ///   ``copyMemory(sizes:delay:length:alphabet:seed:)`` (recall a whole sequence).
    ///
    /// Reference: S. Hochreiter and J. Schmidhuber, "Long short-term memory", *Neural Computation*
    /// 9(8), 1735–1780 (1997), experiment 4; Q. V. Le, N. Jaitly and G. E. Hinton, "A simple way to
    /// initialize recurrent networks of rectified linear units", arXiv:1504.00941 (2015).
    public static func adding(
        sizes: SplitSizes = TaskDefinition.adding.defaults.sizes,
        length: Int = TaskDefinition.adding.defaults.integer("length"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.adding.validate(sizes.parameterValues.merging(["length": .integer(length)]) { $1 })
        let half = length / 2
        let splits = try SplitBuilder.independent(
            task: "adding", seed: seed, sizes: sizes, inputShape: [length, 2], targetShape: [1]
        ) { stream, _, x, y in
            for t in 0..<length {
                x[2 * t] = stream.uniform()
                x[2 * t + 1] = 0
            }
            let first = stream.integer(below: half)
            let second = half + stream.integer(below: length - half)
            x[2 * first + 1] = 1
            x[2 * second + 1] = 1
            y[0] = x[2 * first] + x[2 * second]
        }
        let lastStepOnly = 1.0 / 6 - 1 / (12 * Double(length - half))
        return LearningTask(
            name: "adding", parameters: parameters, seed: seed, kind: .regression(outputs: 1),
            inputShape: [length, 2], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                noiseFloor: 0,
                memorylessLoss: 1.0 / 6,
                facts: [
                    "predicting the constant 1 gives MSE 1/6, the memoryless figure (the step alone) and Le et al.'s bar",
                    "a model that sees only the last step reaches MSE \(lastStepOnly.numberText) = 1/6 − 1/(12·\(length - half)) at best",
                    "the input is a sequence: x[t] = (value, marker) of step t",
                    "after flatten, one hidden layer of \(length) ReLU units is exact: y = Σ_t relu(x[t, 0] + x[t, 1] − 1)",
                ]),
            chanceLevel: 1.0 / 6,
            expectedInitialLoss: 7.0 / 6,
            // A tenth of the memoryless MSE: the network must hold both marked values.
            reference: ReferenceSolution(
                architecture: "gru(8, sequence: false) dense(1)", optimizer: "adam(lr: 0.02)", epochs: 30,
                batchSize: 32,
                target: Target(metric: .mse, split: .test, value: 1.0 / 60)))
    }
}
