extension TaskDefinition {
    /// The `parity` catalogue entry; see ``Generators/parity(bits:)``.
    public static let parity = TaskDefinition(
        name: "parity",
        summary: "the parity of all 2^bits binary patterns, the n-bit generalisation of XOR",
        formula: "x = the bits of i, most significant first, for i in 0..<2^bits; y = (x₀ + … + x_{bits-1}) mod 2",
        citation: "Minsky & Papert, Perceptrons (1969); Rumelhart, Hinton & Williams, Parallel Distributed Processing, vol. 1, ch. 8 (1986)",
        parameters: [ParameterDefinition("bits", "number of input bits", domain: .integer(1...16), default: .integer(4))]
    ) { arguments throws(DatasetError) in
        try Generators.parity(bits: arguments.integer("bits"))
    }
}

extension Generators {
    /// The parity problem: every pattern of `bits` binary inputs, labelled 1 when it has an odd
    /// number of ones.
    ///
    /// Sample `i` is the binary expansion of `i`, most significant bit first, for `i` in
    /// `0..<2^bits`; it is a fixed set, the same in all three splits, and the task is to fit it.
    /// With 2 bits it is XOR.
    ///
    /// Known: the labels are a function of the inputs (Bayes accuracy 1) and exactly half the
    /// patterns are odd. For `bits ≥ 2` no linear model is perfect: the ±1 labels sum to zero over
    /// the patterns and are orthogonal to every input, so `Σ ±(x·w + b) = 0` for any `w`, `b`, and
    /// the margins cannot all be positive. A hidden layer of `bits` threshold units suffices
    /// (Rumelhart, Hinton & Williams 1986).
    ///
    /// - Parameters:
    ///   - bits: The number of input bits, in 1...16. Default 4.
    /// - Returns: A binary task with inputs `[bits]` and `2^bits` samples per split.
    /// - Throws: ``DatasetError`` when `bits` is out of range.
    /// - SeeAlso: ``xor(sizes:noise:seed:)`` (two bits, with input noise);
    ///   ``checkerboard(sizes:cells:flip:seed:)`` (alternating labels in the plane).
    ///
    /// Reference: M. Minsky and S. Papert, *Perceptrons* (1969); D. E. Rumelhart, G. E. Hinton and
    /// R. J. Williams, "Learning internal representations by error propagation", in *Parallel
    /// Distributed Processing*, vol. 1, chapter 8 (1986).
    public static func parity(
        bits: Int = TaskDefinition.parity.defaults.integer("bits")
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.parity.validate(["bits": .integer(bits)])
        let patterns = 1 << bits
        var inputs = [Double](repeating: 0, count: patterns * bits)
        var targets = [Double](repeating: 0, count: patterns)
        for pattern in 0..<patterns {
            for bit in 0..<bits {
                inputs[pattern * bits + bit] = Double(pattern >> (bits - 1 - bit) & 1)
            }
            targets[pattern] = Double(pattern.nonzeroBitCount % 2)
        }
        let splits = SplitBuilder.fixed(inputShape: [bits], targetShape: [1], inputs: inputs, targets: targets)
        // One bit is its own parity; two bits are XOR, of which a line gets 3 corners of 4.
        let linearBound: Double? = bits == 1 ? 1 : bits == 2 ? 0.75 : nil
        return LearningTask(
            name: "parity", parameters: parameters, seed: 0, kind: .binary, inputShape: [bits],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                linearBound: linearBound,
                priorEntropy: 0.6931471805599453,
                facts: [
                    "all 2^bits patterns, each exactly once, in all three splits",
                    "for bits ≥ 2 no model without a hidden layer classifies every pattern",
                    "a hidden layer of bits threshold units suffices",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: 0.6931471805599453,
            reference: ReferenceSolution(
                architecture: "dense(\(4 * bits)) tanh dense(1)", optimizer: "adam(lr: 0.02)", epochs: 2000,
                batchSize: min(patterns, 32),
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}
