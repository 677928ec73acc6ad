extension TaskDefinition {
    /// The `sum` catalogue entry; see ``Generators/sum(sizes:inputs:seed:)``.
    public static let sum = TaskDefinition(
        name: "sum",
        summary: "the sum of uniform inputs: a linear regression whose weights are all ones",
        formula: "x ~ U(-1, 1)^inputs; y = x₀ + x₁ + … + x_{inputs-1}",
        citation: "a sanity check: the least-squares solution is W = 1, b = 0",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [ParameterDefinition("inputs", "number of inputs summed", domain: .integer(1...1024), default: .integer(4))]
    ) { arguments throws(DatasetError) in
        try Generators.sum(sizes: arguments.sizes, inputs: arguments.integer("inputs"), seed: arguments.seed)
    }
}

extension Generators {
    /// The sum of the inputs: the simplest linear regression, without noise.
    ///
    /// Each sample draws `x ~ U(-1, 1)^inputs` and its target is `y = Σᵢ xᵢ`.
    ///
    /// Known: the generating model is a dense layer with `W` all ones (`[inputs, 1]`) and `b = [0]`;
    /// there is no noise, so the noise floor is 0. The target has mean 0 and variance `inputs / 3`,
    /// which is both the chance level (MSE of the mean) and the initial loss (MSE of a zero output).
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - inputs: The number of inputs, in 1...1024. Default 4.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[inputs]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``linear(sizes:inputs:outputs:noise:seed:)`` (random weights and bias, several outputs, noise);
    ///   ``adding(sizes:length:seed:)`` (the sum of two marked values of a sequence).
    ///
    /// Reference: none needed; a dense layer trained by gradient descent must find `W = 1`, `b = 0`.
    public static func sum(
        sizes: SplitSizes = TaskDefinition.sum.defaults.sizes,
        inputs: Int = TaskDefinition.sum.defaults.integer("inputs"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.sum.validate(sizes.parameterValues.merging(["inputs": .integer(inputs)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "sum", seed: seed, sizes: sizes, inputShape: [inputs], targetShape: [1]
        ) { stream, _, x, y in
            var total = 0.0
            for i in 0..<inputs {
                x[i] = stream.uniform(-1, 1)
                total += x[i]
            }
            y[0] = total
        }
        // Each U(-1, 1) input has variance 1/3 and mean 0.
        let variance = Double(inputs) / 3
        return LearningTask(
            name: "sum", parameters: parameters, seed: seed, kind: .regression(outputs: 1), inputShape: [inputs],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                weights: [
                    "W": ShapedArray(shape: [inputs, 1], values: Array(repeating: 1, count: inputs)),
                    "b": ShapedArray(shape: [1], values: [0]),
                ],
                noiseFloor: 0,
                facts: [
                    "a dense layer without hidden layers fits it exactly, with W = 1 and b = 0",
                    "the target has mean 0 and variance inputs / 3",
                ]),
            chanceLevel: variance,
            expectedInitialLoss: variance,
            // Noise-free least squares: gradient descent converges geometrically to the exact
            // solution, so a correct engine's error falls to rounding level.
            reference: ReferenceSolution(
                architecture: "dense(1)", optimizer: "sgd(lr: 0.1)", epochs: 100, batchSize: 32,
                target: Target(metric: .mse, split: .test, value: 1e-6)))
    }
}
