import Foundation

extension TaskDefinition {
    /// The `friedman1` catalogue entry; see ``Generators/friedman1(sizes:inputs:noise:seed:)``.
    public static let friedman1 = TaskDefinition(
        name: "friedman1",
        summary: "Friedman's first regression problem: five relevant uniform inputs among several irrelevant ones",
        formula: "x ~ U(0, 1)^inputs; y = 10 sin(π x₀ x₁) + 20 (x₂ − 0.5)² + 10 x₃ + 5 x₄ + noise·N(0, 1)",
        citation: "Friedman, Multivariate adaptive regression splines, Annals of Statistics 19 (1991); Breiman, Bagging predictors, Machine Learning 24 (1996)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 5000, validation: 1000, test: 1000))
            + [
                ParameterDefinition("inputs", "number of inputs, of which the first 5 matter", domain: .integer(5...100), default: .integer(10)),
                .noise(1, "standard deviation of the Gaussian noise added to the target"),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.friedman1(
            sizes: arguments.sizes, inputs: arguments.integer("inputs"), noise: arguments.real("noise"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// Friedman's first regression problem, as scikit-learn's `make_friedman1`.
    ///
    /// Each sample draws `x ~ U(0, 1)^inputs` and
    /// `y = 10 sin(π x₀ x₁) + 20 (x₂ − 0.5)² + 10 x₃ + 5 x₄ + noise·ε`, `ε ~ N(0, 1)`; the inputs
    /// after the fifth do not enter the target.
    ///
    /// Known: the regression function, the noise floor `noise²`, and the moments of the target.
    /// The five terms depend on different inputs, so they are independent and their variances add:
    /// `100/12` and `25/12` for the linear terms, `400·(1/80 − 1/144) = 20/9` for the quadratic one,
    /// and for the sine term `E[sin(π uv)] = ∫₀¹ (1 − cos πu) / (πu) du` and
    /// `E[sin²(π uv)] = 1/2 − ½ ∫₀¹ sin(2πu) / (2πu) du` (the inner integral over `v` done in closed
    /// form, the outer by Simpson's rule). The chance level is that variance plus `noise²`
    /// (about 23.83 + noise²); the initial loss adds the squared mean (about 14.41²).
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 5000, 1000, 1000.
    ///   - inputs: The number of inputs, in 5...100. Default 10.
    ///   - noise: The standard deviation of the target noise, in 0...100. Default 1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[inputs]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``sine(sizes:frequency:noise:seed:)`` (nonlinear regression in one input);
    ///   ``linear(sizes:inputs:outputs:noise:seed:)`` (a linear map).
    ///
    /// Reference: J. H. Friedman, "Multivariate adaptive regression splines", *The Annals of
    /// Statistics* 19(1), 1–67 (1991); L. Breiman, "Bagging predictors", *Machine Learning* 24,
    /// 123–140 (1996).
    public static func friedman1(
        sizes: SplitSizes = TaskDefinition.friedman1.defaults.sizes,
        inputs: Int = TaskDefinition.friedman1.defaults.integer("inputs"),
        noise: Double = TaskDefinition.friedman1.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.friedman1.validate(
            sizes.parameterValues.merging(["inputs": .integer(inputs), "noise": .real(noise)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "friedman1", seed: seed, sizes: sizes, inputShape: [inputs], targetShape: [1]
        ) { stream, _, x, y in
            for i in 0..<inputs { x[i] = stream.uniform() }
            y[0] = friedman1Function(x) + noise * stream.normal()
        }
        let moments = friedman1Moments
        let noiseVariance = noise * noise
        return LearningTask(
            name: "friedman1", parameters: parameters, seed: seed, kind: .regression(outputs: 1), inputShape: [inputs],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                noiseFloor: noiseVariance,
                facts: [
                    "y = 10 sin(π x₀ x₁) + 20 (x₂ − 0.5)² + 10 x₃ + 5 x₄ + noise",
                    "inputs after the fifth are irrelevant to the target",
                    "no model can have an expected MSE below noise²",
                ]),
            chanceLevel: moments.variance + noiseVariance,
            expectedInitialLoss: moments.variance + moments.mean * moments.mean + noiseVariance,
            // Target: within 1 of the noise floor, against a chance level near 25.
            reference: ReferenceSolution(
                architecture: "dense(64) relu dense(64) relu dense(1)", optimizer: "adam(lr: 0.003)", epochs: 300,
                batchSize: 32,
                target: Target(metric: .mse, split: .test, value: noiseVariance + 1)))
    }

    /// Friedman's first function of the first five inputs.
    static func friedman1Function(_ x: UnsafeMutableBufferPointer<Double>) -> Double {
        let centred = x[2] - 0.5
        return 10 * sin(Double.pi * x[0] * x[1]) + 20 * centred * centred + 10 * x[3] + 5 * x[4]
    }

    /// The mean and variance of the noise-free target, as derived in ``friedman1(sizes:inputs:noise:seed:)``.
    static let friedman1Moments: (mean: Double, variance: Double) = {
        // Both integrands extend continuously to u = 0, where the formulas divide by zero.
        let sineMean = Math.integrate(from: 0, to: 1) { u in u == 0 ? 0 : (1 - cos(Double.pi * u)) / (Double.pi * u) }
        let sineSquareMean = 0.5 - 0.5 * Math.integrate(from: 0, to: 1) { u in
            u == 0 ? 1 : sin(2 * Double.pi * u) / (2 * Double.pi * u)
        }
        let sineVariance = 100 * (sineSquareMean - sineMean * sineMean)
        let mean = 10 * sineMean + 20.0 / 12 + 5 + 2.5
        let variance = sineVariance + 20.0 / 9 + 100.0 / 12 + 25.0 / 12
        return (mean, variance)
    }()
}
