import Foundation

extension TaskDefinition {
    /// The `temporal-order` catalogue entry; see ``Generators/temporalOrder(sizes:length:seed:)``.
    public static let temporalOrder = TaskDefinition(
        name: "temporal-order",
        summary: "the temporal order problem: the class is the order of two symbols X and Y placed far apart among distractors",
        formula: "x = (B, d…, s₁ at t₁, d…, s₂ at t₂, d…, E), d ~ U{a, b, c, d}, s_i ~ U{X, Y}, t₁ ~ U[⌊T/10⌋, ⌊T/5⌋], t₂ ~ U[⌊T/2⌋, ⌊3T/5⌋]; y = 2·[s₁ = Y] + [s₂ = Y]",
        citation: "Hochreiter & Schmidhuber, Long short-term memory, Neural Computation 9 (1997), experiment 6a",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [ParameterDefinition("length", "number of time steps T", domain: .integer(10...1000), default: .integer(30))]
    ) { arguments throws(DatasetError) in
        try Generators.temporalOrder(sizes: arguments.sizes, length: arguments.integer("length"), seed: arguments.seed)
    }
}

extension Generators {
    /// The temporal order problem: classify a sequence by the order in which two relevant symbols
    /// appear, far apart, among distractors.
    ///
    /// A sample is `length` = T tokens: the start symbol B (token 6) at step 0 and the end symbol E
    /// (token 7) at step T − 1; between them distractors a, b, c, d (tokens 0–3), uniform, except at
    /// two steps, `t₁` uniform in `⌊T/10⌋...⌊T/5⌋` and `t₂` uniform in `⌊T/2⌋...⌊3T/5⌋`, which hold
    /// X (token 4) or Y (token 5), each uniform. The class is the pair's order: XX 0, XY 1, YX 2,
    /// YY 3. The sample's stream gives, in order, `t₁`, `t₂`, the two symbols, then a distractor
    /// for each step 1...T − 2 (those at `t₁` and `t₂` are then replaced). At T = 100 the positions are Hochreiter and Schmidhuber's
    /// (`t₁` in 10...20, `t₂` in 50...60); their sequences are 100 to 110 steps long, nnbench's have
    /// one length, so that a batch is one tensor. The inputs are token indices `[T]` in `0...7`,
    /// for an `embedding(8, dim)`.
    ///
    /// Known: the class is a function of the input, so the Bayes accuracy is 1. The four classes
    /// are equally likely, so a model that stored neither symbol has accuracy 1/4 and loss `ln 4`
    /// at best; one that stored only one of them (either) knows one of the two bits, accuracy 1/2
    /// at best.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - length: T, in 10...1000. Default 30 (Hochreiter and Schmidhuber 100 to 110; at 30 a GRU
    ///     learns it in a few epochs and a plain `rnn` keeps about one of the two symbols).
    ///   - seed: The seed. Default 0.
    /// - Returns: A 4-class task with token inputs `[length]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × length).
    /// - SeeAlso: ``adding(sizes:length:seed:)``, ``copyMemory(sizes:delay:length:alphabet:seed:)``.
    ///
    /// Reference: S. Hochreiter and J. Schmidhuber, "Long short-term memory", *Neural Computation*
    /// 9(8), 1735–1780 (1997), experiment 6a.
    public static func temporalOrder(
        sizes: SplitSizes = TaskDefinition.temporalOrder.defaults.sizes,
        length: Int = TaskDefinition.temporalOrder.defaults.integer("length"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.temporalOrder.validate(sizes.parameterValues.merging(["length": .integer(length)]) { $1 })
        let (first, second) = (length / 10...length / 5, length / 2...3 * length / 5)
        let splits = try SplitBuilder.independent(
            task: "temporal-order", seed: seed, sizes: sizes, inputShape: [length], targetShape: []
        ) { stream, _, x, y in
            let t1 = first.lowerBound + stream.integer(below: first.count)
            let t2 = second.lowerBound + stream.integer(below: second.count)
            let (s1, s2) = (stream.integer(below: 2), stream.integer(below: 2))
            x[0] = 6
            for t in 1..<length - 1 { x[t] = Double(stream.integer(below: 4)) }
            x[length - 1] = 7
            x[t1] = Double(4 + s1)
            x[t2] = Double(4 + s2)
            y[0] = Double(2 * s1 + s2)
        }
        return LearningTask(
            name: "temporal-order", parameters: parameters, seed: seed, kind: .multiclass(classes: 4),
            inputShape: [length], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                priorEntropy: log(4),
                memorylessLoss: log(4),
                facts: [
                    "inputs are tokens: a, b, c, d 0–3, X 4, Y 5, B 6 (first step), E 7 (last step), for embedding(8, dim)",
                    "X or Y at one step of \(first.lowerBound)...\(first.upperBound) and one of \(second.lowerBound)...\(second.upperBound); classes XX 0, XY 1, YX 2, YY 3",
                    "a model that stores neither symbol: accuracy 1/4; only one of them: accuracy 1/2 at best",
                ]),
            chanceLevel: 0.25,
            expectedInitialLoss: log(4),
            reference: ReferenceSolution(
                architecture: "embedding(8, 8) gru(16, sequence: false) dense(4)", optimizer: "adam(lr: 0.01)", epochs: 30,
                batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: 0.95)))
    }
}
