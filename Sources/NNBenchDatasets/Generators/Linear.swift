extension TaskDefinition {
    /// The `linear` catalogue entry; see ``Generators/linear(sizes:inputs:outputs:noise:seed:)``.
    public static let linear = TaskDefinition(
        name: "linear",
        summary: "a random linear map with Gaussian inputs and Gaussian noise on the targets",
        formula: "W ~ N(0, 1)^(inputs×outputs), b ~ N(0, 1)^outputs; x ~ N(0, I); y = x·W + b + noise·N(0, I)",
        citation: "linear regression, e.g. Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, ch. 3",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [
                ParameterDefinition("inputs", "number of inputs", domain: .integer(1...1024), default: .integer(8)),
                ParameterDefinition("outputs", "number of outputs", domain: .integer(1...256), default: .integer(3)),
                .noise(0.1, "standard deviation of the Gaussian noise added to each target"),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.linear(
            sizes: arguments.sizes, inputs: arguments.integer("inputs"), outputs: arguments.integer("outputs"),
            noise: arguments.real("noise"), seed: arguments.seed)
    }
}

extension Generators {
    /// A random linear map: multi-output linear regression with Gaussian noise.
    ///
    /// The task's weights `W` (`[inputs, outputs]`, row-major) and then `b` (`[outputs]`) are drawn
    /// once, entry by entry from N(0, 1), from the stream `"linear/weights"`, so they depend on the
    /// seed only. Each sample draws `x ~ N(0, I_inputs)` and `y = x·W + b + noise·ε`, `ε ~ N(0, I_outputs)`.
    ///
    /// Known: `W` and `b`; the noise floor `noise²`. Output `j` has mean `b_j` and variance
    /// `|W_{·j}|² + noise²`, so the chance level (MSE of the means) is the average of those variances
    /// and the initial loss (MSE of a zero output) adds the average of `b_j²`.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - inputs: The number of inputs, in 1...1024. Default 8.
    ///   - outputs: The number of outputs, in 1...256. Default 3.
    ///   - noise: The standard deviation of the target noise, in 0...100. Default 0.1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[inputs]` and `outputs` outputs.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``sum(sizes:inputs:seed:)`` (all weights 1, no bias and no noise);
    ///   ``logistic(sizes:inputs:seed:)`` (labels from a linear model).
    ///
    /// Reference: T. Hastie, R. Tibshirani and J. Friedman, *The Elements of Statistical Learning*
    /// (2nd ed., 2009), chapter 3.
    public static func linear(
        sizes: SplitSizes = TaskDefinition.linear.defaults.sizes,
        inputs: Int = TaskDefinition.linear.defaults.integer("inputs"),
        outputs: Int = TaskDefinition.linear.defaults.integer("outputs"),
        noise: Double = TaskDefinition.linear.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.linear.validate(
            sizes.parameterValues.merging(
                ["inputs": .integer(inputs), "outputs": .integer(outputs), "noise": .real(noise)]) { $1 })
        var weightStream = RandomStream(key: StreamKey.make(seed: seed, purpose: "linear/weights"), index: 0)
        let weights = (0..<inputs * outputs).map { _ in weightStream.normal() }
        let bias = (0..<outputs).map { _ in weightStream.normal() }
        let splits = try SplitBuilder.independent(
            task: "linear", seed: seed, sizes: sizes, inputShape: [inputs], targetShape: [outputs]
        ) { stream, _, x, y in
            for i in 0..<inputs { x[i] = stream.normal() }
            for j in 0..<outputs {
                var value = bias[j]
                for i in 0..<inputs { value += x[i] * weights[i * outputs + j] }
                y[j] = value + noise * stream.normal()
            }
        }
        let columnSquares = (0..<outputs).map { j in
            (0..<inputs).reduce(0.0) { $0 + weights[$1 * outputs + j] * weights[$1 * outputs + j] }
        }
        let noiseVariance = noise * noise
        let meanVariance = columnSquares.reduce(0, +) / Double(outputs) + noiseVariance
        return LearningTask(
            name: "linear", parameters: parameters, seed: seed, kind: .regression(outputs: outputs),
            inputShape: [inputs], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                weights: [
                    "W": ShapedArray(shape: [inputs, outputs], values: weights),
                    "b": ShapedArray(shape: [outputs], values: bias),
                ],
                noiseFloor: noiseVariance,
                facts: [
                    "a dense layer without hidden layers is the true model; least squares recovers W and b",
                    "no model can have an expected MSE below noise²",
                ]),
            chanceLevel: meanVariance,
            expectedInitialLoss: meanVariance + Math.meanSquare(bias),
            // The 20 % margin over noise² covers the test split's sampling error (relative standard
            // error √(2 / (n-test·outputs)), 3.7 % at the defaults) and the estimation error of W.
            reference: ReferenceSolution(
                architecture: "dense(\(outputs))", optimizer: "sgd(lr: 0.05)", epochs: 200, batchSize: 32,
                target: Target(metric: .mse, split: .test, value: 1.2 * noiseVariance + 1e-6)))
    }
}
