extension TaskDefinition {
    /// The `logistic` catalogue entry; see ``Generators/logistic(sizes:inputs:seed:)``.
    public static let logistic = TaskDefinition(
        name: "logistic",
        summary: "labels drawn from a random logistic-regression model of Gaussian inputs",
        formula: "w ~ N(0, 2²)^inputs, b ~ N(0, 0.5²); x ~ N(0, I); P(y = 1 | x) = σ(x·w + b)",
        citation: "logistic regression, e.g. Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, §4.4",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 1000))
            + [ParameterDefinition("inputs", "number of inputs", domain: .integer(1...1024), default: .integer(2))]
    ) { arguments throws(DatasetError) in
        try Generators.logistic(sizes: arguments.sizes, inputs: arguments.integer("inputs"), seed: arguments.seed)
    }
}

extension Generators {
    /// Labels drawn from a logistic-regression model: the task a single dense layer with the
    /// binary cross-entropy loss is the exact model of.
    ///
    /// The task's weights are drawn once from the stream `"logistic/weights"`: `w ~ N(0, 2²)` per
    /// input, then `b ~ N(0, 0.5²)`. That scale makes the score `s = x·w + b ~ N(b, |w|²)` spread
    /// over a few units, so labels are neither nearly deterministic nor nearly coin flips (the
    /// Bayes accuracy is about 0.8 with 2 inputs). Each sample draws `x ~ N(0, I_inputs)`, then
    /// `y = 1` with probability `σ(x·w + b)`.
    ///
    /// Known: `w` (as `W`, `[inputs, 1]`) and `b`; the Bayes-optimal rule `x·w + b > 0` and its
    /// accuracy `E[σ(|s|)]`; the class prior `P(y = 1) = E[σ(s)]` (both expectations over
    /// `s ~ N(b, |w|²)` by Simpson's rule), whose larger side is the chance level.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 1000.
    ///   - inputs: The number of inputs, in 1...1024. Default 2.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[inputs]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``blobs(sizes:classes:radius:noise:seed:)`` (Gaussian classes with a linear Bayes rule);
    ///   ``imbalanced(sizes:priors:seed:)`` (the same with unequal priors);
    ///   ``linear(sizes:inputs:outputs:noise:seed:)`` (the regression counterpart).
    ///
    /// Reference: T. Hastie, R. Tibshirani and J. Friedman, *The Elements of Statistical Learning*
    /// (2nd ed., 2009), section 4.4.
    public static func logistic(
        sizes: SplitSizes = TaskDefinition.logistic.defaults.sizes,
        inputs: Int = TaskDefinition.logistic.defaults.integer("inputs"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.logistic.validate(sizes.parameterValues.merging(["inputs": .integer(inputs)]) { $1 })
        var weightStream = RandomStream(key: StreamKey.make(seed: seed, purpose: "logistic/weights"), index: 0)
        let weights = (0..<inputs).map { _ in weightStream.normal(mean: 0, standardDeviation: 2) }
        let bias = weightStream.normal(mean: 0, standardDeviation: 0.5)
        @Sendable func score(_ x: UnsafeBufferPointer<Double>) -> Double {
            zip(x, weights).reduce(bias) { $0 + $1.0 * $1.1 }
        }
        let splits = try SplitBuilder.independent(
            task: "logistic", seed: seed, sizes: sizes, inputShape: [inputs], targetShape: [1]
        ) { stream, _, x, y in
            for i in 0..<inputs { x[i] = stream.normal() }
            y[0] = stream.uniform() < Math.sigmoid(score(UnsafeBufferPointer(x))) ? 1 : 0
        }
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // Expectations over s = b + |w|·z, z ~ N(0, 1); beyond |z| = 12 the density is below 1e-31.
        func expectation(_ f: (Double) -> Double) -> Double {
            Math.integrate(from: -12, to: 12) { z in Math.normalPDF(z) * f(bias + norm * z) }
        }
        let positiveRate = expectation(Math.sigmoid)
        let bayesAccuracy = expectation { Math.sigmoid(abs($0)) }
        // The target is relative to the Bayes rule on the very test points, so the test split's
        // sampling error cancels; 0.02 leaves room for the error of weights estimated from the
        // training split.
        var bayesCorrect = 0
        for index in 0..<splits.test.count where (splits.test.input(index).withUnsafeBufferPointer(score) > 0 ? 1 : 0) == splits.test.targets[index] {
            bayesCorrect += 1
        }
        let bayesTestAccuracy = Double(bayesCorrect) / Double(splits.test.count)
        return LearningTask(
            name: "logistic", parameters: parameters, seed: seed, kind: .binary, inputShape: [inputs],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                weights: [
                    "W": ShapedArray(shape: [inputs, 1], values: weights),
                    "b": ShapedArray(shape: [1], values: [bias]),
                ],
                bayesAccuracy: bayesAccuracy,
                linearBound: bayesAccuracy,
                priorEntropy: Math.entropy([positiveRate, 1 - positiveRate]),
                facts: [
                    "a dense layer with one output is the true model: its logit is x·W + b",
                    "the Bayes-optimal rule predicts 1 iff x·W + b > 0",
                    "the labels are random given x, so no model beats the Bayes accuracy",
                ]),
            chanceLevel: max(positiveRate, 1 - positiveRate),
            expectedInitialLoss: 0.6931471805599453,
            reference: ReferenceSolution(
                architecture: "dense(1)", optimizer: "adam(lr: 0.05)", epochs: 100, batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: bayesTestAccuracy - 0.02)))
    }
}
