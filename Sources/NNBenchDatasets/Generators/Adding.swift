extension TaskDefinition {
    /// The `adding` catalogue entry; see ``Generators/adding(sizes:length:seed:)``.
    public static let adding = TaskDefinition(
        name: "adding",
        summary: "the adding problem: the sum of the two marked values of a sequence, flattened to one input vector",
        formula: "v_t ~ U(0, 1); one marker uniform in [0, ⌊T/2⌋), one in [⌊T/2⌋, T); x = (v₀, m₀, v₁, m₁, …); y = Σ_t v_t m_t",
        citation: "Hochreiter & Schmidhuber, Long short-term memory, Neural Computation 9 (1997); Le, Jaitly & Hinton, arXiv:1504.00941 (2015)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 5000, validation: 1000, test: 1000))
            + [ParameterDefinition("length", "number of time steps T", domain: .integer(2...1000), default: .integer(20))]
    ) { arguments throws(DatasetError) in
        try Generators.adding(sizes: arguments.sizes, length: arguments.integer("length"), seed: arguments.seed)
    }
}

extension Generators {
    /// The adding problem: a sequence of random values, two of them marked; the target is the sum
    /// of the marked values.
    ///
    /// A sample is `length` = T steps of a value `v_t ~ U(0, 1)` and a marker `m_t ∈ {0, 1}`. Exactly
    /// two markers are 1: one at a step drawn uniformly from the first half `0..<⌊T/2⌋`, one from
    /// the second half `⌊T/2⌋..<T`. The target is `y = Σ_t v_t m_t`. The values are drawn first,
    /// then the two marked steps.
    ///
    /// nnbench's engine has no recurrent layers, so the sequence is flattened: the input has shape
    /// `[2T]`, with `x[2t] = v_t` and `x[2t + 1] = m_t`.
    ///
    /// Known: the target is the sum of two independent U(0, 1) values, with mean 1 and variance
    /// 1/6, so predicting the constant 1 has MSE 1/6 (the chance level), the baseline a model must
    /// beat; the initial loss is `E[y²] = 7/6`; there is no noise. Because `v_t ∈ [0, 1)`,
    /// `v_t m_t = relu(v_t + m_t − 1)`, so one hidden layer of T ReLU units represents the target exactly.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 5000, 1000, 1000.
    ///   - length: The sequence length T, in 2...1000. Default 20.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[2·length]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``sum(sizes:inputs:seed:)`` (a sum of every input, not of two marked ones).
    ///
    /// Reference: S. Hochreiter and J. Schmidhuber, "Long short-term memory", *Neural Computation*
    /// 9(8), 1735–1780 (1997); Q. V. Le, N. Jaitly and G. E. Hinton, "A simple way to initialize
    /// recurrent networks of rectified linear units", arXiv:1504.00941 (2015).
    public static func adding(
        sizes: SplitSizes = TaskDefinition.adding.defaults.sizes,
        length: Int = TaskDefinition.adding.defaults.integer("length"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.adding.validate(sizes.parameterValues.merging(["length": .integer(length)]) { $1 })
        let half = length / 2
        let splits = SplitBuilder.independent(
            task: "adding", seed: seed, sizes: sizes, inputShape: [2 * length], targetShape: [1]
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
        return LearningTask(
            name: "adding", parameters: parameters, seed: seed, kind: .regression(outputs: 1),
            inputShape: [2 * length], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                noiseFloor: 0,
                facts: [
                    "predicting the constant 1 gives MSE 1/6, the baseline to beat",
                    "the input is flat: x[2t] is the value and x[2t + 1] the marker of step t",
                    "one hidden layer of length ReLU units is exact: y = Σ_t relu(x[2t] + x[2t + 1] − 1)",
                ]),
            chanceLevel: 1.0 / 6,
            expectedInitialLoss: 7.0 / 6,
            // A target an eighth of the baseline: the network must find both marked values.
            reference: ReferenceSolution(
                architecture: "dense(128) relu dense(128) relu dense(1)", optimizer: "adam(lr: 0.001)", epochs: 200,
                batchSize: 32,
                target: Target(metric: .mse, split: .test, value: 0.02)))
    }
}
