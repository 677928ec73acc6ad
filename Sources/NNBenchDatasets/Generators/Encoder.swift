import Foundation

extension TaskDefinition {
    /// The `encoder` catalogue entry; see ``Generators/encoder(size:seed:)``.
    public static let encoder = TaskDefinition(
        name: "encoder",
        summary: "The N-M-N encoder problem: pass N one-hot patterns through a bottleneck of log₂ N units",
        formula: "x = e_i (the i-th of N one-hot vectors), y = i, for i = 0..<N; the same N patterns in every split",
        citation: "Ackley, Hinton & Sejnowski, Cognitive Science 9 (1985); Rumelhart, Hinton & Williams, PDP vol. 1 (1986)",
        parameters: [
            ParameterDefinition("size", "number of patterns N (input units and classes)", domain: .integer(2...256), default: .integer(8)),
        ]
    ) { arguments throws(DatasetError) in
        try Generators.encoder(size: arguments.integer("size"), seed: arguments.seed)
    }
}

extension Generators {
    /// The N-M-N encoder problem: reproduce which of N input units is on, through M hidden units.
    ///
    /// The data is the fixed set of all N one-hot patterns: sample `i` has `x = e_i` and class `i`,
    /// in every split. The task is to fit them through a narrow hidden layer, which must learn a
    /// code for the N patterns.
    ///
    /// Known: a bottleneck of `M = ⌈log₂ N⌉` units suffices (each pattern gets a distinct binary
    /// code, and every code is a corner of the hidden cube, which a linear softmax layer can single
    /// out), so 100 % training accuracy is reachable through it. The task is deterministic: the
    /// Bayes accuracy is 1.
    ///
    /// - Parameters:
    ///   - size: The number of patterns N, in 2...256. Default 8.
    ///   - seed: The seed; the data does not depend on it. Default 0.
    /// - Returns: A task with N classes, inputs `[N]` and N samples in each split.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(N²).
    /// - SeeAlso: ``memorize(points:features:classes:seed:)`` (another fixed set to fit whole); ``parity(bits:)``
    ///   (a fixed set that needs a hidden layer).
    ///
    /// Reference: D. H. Ackley, G. E. Hinton and T. J. Sejnowski, "A learning algorithm for
    /// Boltzmann machines", Cognitive Science 9 (1985); D. E. Rumelhart, G. E. Hinton and
    /// R. J. Williams, "Learning internal representations by error propagation", in *Parallel
    /// Distributed Processing*, vol. 1 (1986).
    public static func encoder(
        size: Int = TaskDefinition.encoder.defaults.integer("size"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.encoder.validate(["size": .integer(size)])
        var inputs = [Double](repeating: 0, count: size * size)
        for i in 0..<size { inputs[i * size + i] = 1 }
        let splits = SplitBuilder.fixed(
            inputShape: [size], targetShape: [], inputs: inputs, targets: (0..<size).map(Double.init))
        let bottleneck = Int.bitWidth - (size - 1).leadingZeroBitCount
        return LearningTask(
            name: "encoder", parameters: parameters, seed: seed, kind: .multiclass(classes: size), inputShape: [size],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                priorEntropy: log(Double(size)),
                facts: [
                    "perfect reconstruction is possible through a bottleneck of ⌈log₂ N⌉ = \(bottleneck) units",
                    "the inputs are one-hot, so the first layer's weights act as a table of hidden codes",
                    "the same N patterns form every split: the task is to fit them",
                ]),
            chanceLevel: 1 / Double(size),
            expectedInitialLoss: log(Double(size)),
            reference: ReferenceSolution(
                architecture: "dense(\(bottleneck)) tanh dense(\(size))", optimizer: "adam(lr: 0.05)", epochs: 3000,
                batchSize: size,
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}
