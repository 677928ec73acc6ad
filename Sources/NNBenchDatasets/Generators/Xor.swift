extension TaskDefinition {
    /// The `xor` catalogue entry; see ``Generators/xor(sizes:noise:seed:)``.
    public static let xor = TaskDefinition(
        name: "xor",
        summary: "XOR of two binary inputs, optionally with Gaussian noise on the inputs",
        formula: "corner c = i mod 4 of (0,0),(0,1),(1,0),(1,1); x = c + noise·N(0, I₂); y = c₀ XOR c₁",
        citation: "Minsky & Papert, Perceptrons (1969); Rumelhart, Hinton & Williams, Nature 323 (1986)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 4, validation: 4, test: 4))
            + [.noise(0, "standard deviation of the Gaussian noise added to each input bit")]
    ) { arguments throws(DatasetError) in
        try Generators.xor(sizes: arguments.sizes, noise: arguments.real("noise"), seed: arguments.seed)
    }
}

extension Generators {
    /// The XOR problem: two binary inputs, the label is their exclusive or.
    ///
    /// Sample `i` sits at corner `i mod 4` of the unit square, `(0,0), (0,1), (1,0), (1,1)`, so
    /// every split is balanced; `x = corner + noise·N(0, I₂)` and `y = x₀ XOR x₁` of the corner.
    /// With the defaults (4 samples, no noise) each split is the truth table.
    ///
    /// Known: a network with one hidden layer of 2 units solves it; a model without hidden
    /// layers (a linear decision boundary) classifies at most 3 of the 4 corners, 75 %.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 4, 4, 4.
    ///   - noise: Standard deviation of the input noise, in 0...100. Default 0.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[2]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``parity(bits:)`` (the same on any number of bits); ``checkerboard(sizes:cells:flip:seed:)``
    ///   (XOR in the plane, with 2 cells per side).
    ///
    /// Reference: M. Minsky and S. Papert, *Perceptrons* (1969); D. E. Rumelhart, G. E. Hinton and
    /// R. J. Williams, "Learning representations by back-propagating errors", Nature 323 (1986).
    public static func xor(
        sizes: SplitSizes = TaskDefinition.xor.defaults.sizes,
        noise: Double = TaskDefinition.xor.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.xor.validate(sizes.parameterValues.merging(["noise": .real(noise)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "xor", seed: seed, sizes: sizes, inputShape: [2], targetShape: [1]
        ) { stream, index, x, y in
            let a = Double(index >> 1 & 1), b = Double(index & 1)
            x[0] = a + noise * stream.normal()
            x[1] = b + noise * stream.normal()
            y[0] = a == b ? 0 : 1
        }
        return LearningTask(
            name: "xor", parameters: parameters, seed: seed, kind: .binary, inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                linearBound: 0.75,
                facts: [
                    "solvable with one hidden layer of 2 units",
                    "a model with no hidden layer cannot exceed 75 % accuracy",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: 0.6931471805599453,
            reference: ReferenceSolution(
                architecture: "dense(4) tanh dense(1)", optimizer: "adam(lr: 0.05)", epochs: 300, batchSize: 4,
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}
