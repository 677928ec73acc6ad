import Foundation

extension TaskDefinition {
    /// The `sine` catalogue entry; see ``Generators/sine(sizes:frequency:noise:seed:)``.
    public static let sine = TaskDefinition(
        name: "sine",
        summary: "a sine wave of one input, with Gaussian noise on the target",
        formula: "x ~ U(−π, π); y = sin(frequency·x) + noise·N(0, 1)",
        citation: "a standard curve-fitting check, e.g. Bishop, Pattern Recognition and Machine Learning, §1.1 and §5.1 (2006)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [
                ParameterDefinition("frequency", "angular frequency of the wave", domain: .real(0.1...20), default: .real(1)),
                .noise(0.1, "standard deviation of the Gaussian noise added to the target"),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.sine(
            sizes: arguments.sizes, frequency: arguments.real("frequency"), noise: arguments.real("noise"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// A noisy sine wave: one-dimensional nonlinear regression.
    ///
    /// Each sample draws `x ~ U(−π, π)` and `y = sin(frequency·x) + noise·ε`, `ε ~ N(0, 1)`.
    ///
    /// Known: the regression function `sin(frequency·x)` and the noise floor `noise²`. The target
    /// has mean 0 (the sine is odd and x symmetric) and variance
    /// `1/2 − sin(2π·frequency) / (4π·frequency) + noise²`, from `E[sin²(fx)] = (1 − E[cos(2fx)]) / 2`;
    /// that is both the chance level and the initial loss.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - frequency: The angular frequency, in 0.1...20. Default 1.
    ///   - noise: The standard deviation of the target noise, in 0...100. Default 0.1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[1]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``friedman1(sizes:inputs:noise:seed:)`` (nonlinear regression in several inputs).
    ///
    /// Reference: C. M. Bishop, *Pattern Recognition and Machine Learning* (2006), sections 1.1 and 5.1.
    public static func sine(
        sizes: SplitSizes = TaskDefinition.sine.defaults.sizes,
        frequency: Double = TaskDefinition.sine.defaults.real("frequency"),
        noise: Double = TaskDefinition.sine.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.sine.validate(
            sizes.parameterValues.merging(["frequency": .real(frequency), "noise": .real(noise)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "sine", seed: seed, sizes: sizes, inputShape: [1], targetShape: [1]
        ) { stream, _, x, y in
            x[0] = stream.uniform(-Double.pi, Double.pi)
            y[0] = sin(frequency * x[0]) + noise * stream.normal()
        }
        let noiseVariance = noise * noise
        let variance = 0.5 - sin(2 * Double.pi * frequency) / (4 * Double.pi * frequency) + noiseVariance
        return LearningTask(
            name: "sine", parameters: parameters, seed: seed, kind: .regression(outputs: 1), inputShape: [1],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                noiseFloor: noiseVariance,
                facts: [
                    "the regression function is sin(frequency·x) on [−π, π)",
                    "no model can have an expected MSE below noise²",
                ]),
            chanceLevel: variance,
            expectedInitialLoss: variance,
            // Calibrated for the default frequency (one period over the input range); the 0.005
            // over noise² is a residual fitting error small next to the 0.5 variance of the wave.
            reference: ReferenceSolution(
                architecture: "dense(64) tanh dense(64) tanh dense(1)", optimizer: "adam(lr: 0.005)", epochs: 300,
                batchSize: 32,
                target: Target(metric: .mse, split: .test, value: noiseVariance + 0.005)))
    }
}
