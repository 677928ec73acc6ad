import Foundation

extension TaskDefinition {
    /// The `moons` catalogue entry; see ``Generators/moons(sizes:noise:seed:)``.
    public static let moons = TaskDefinition(
        name: "moons",
        summary: "Two interleaving half circles, as scikit-learn's make_moons",
        formula: "y = i mod 2; t ~ U(0, π); x = (cos t, sin t) if y = 0 else (1 − cos t, 1/2 − sin t); x += noise·N(0, I₂)",
        citation: "Pedregosa et al., Scikit-learn: Machine Learning in Python, JMLR 12 (2011), make_moons",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [.noise(0.1, "standard deviation of the Gaussian noise added to each coordinate")]
    ) { arguments throws(DatasetError) in
        try Generators.moons(sizes: arguments.sizes, noise: arguments.real("noise"), seed: arguments.seed)
    }
}

extension Generators {
    /// Two interleaving half circles in the plane, as scikit-learn's `make_moons`.
    ///
    /// Sample `i` has class `y = i mod 2`, so every split is balanced. With `t ~ U(0, π)`, class 0
    /// (the outer moon) is `(cos t, sin t)` and class 1 (the inner moon) is `(1 − cos t, 1/2 − sin t)`;
    /// then `noise·N(0, I₂)` is added. scikit-learn spaces `t` evenly (`linspace`), which makes every
    /// point depend on the number of samples; here each sample draws its own `t`, so a split of
    /// 1000 samples begins with the split of 500.
    ///
    /// Known: the noise-free labels. The two curves do not meet, so at `noise = 0` the classes are
    /// separable (Bayes accuracy 1), but not by a line. The reference solution's target is set
    /// for the default noise.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - noise: Standard deviation of the noise on each coordinate, in 0...100. Default 0.1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[2]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples).
    /// - SeeAlso: ``circles(sizes:factor:noise:seed:)`` (scikit-learn's other curved two-class set).
    ///
    /// Reference: F. Pedregosa et al., "Scikit-learn: Machine Learning in Python", JMLR 12 (2011),
    /// `sklearn.datasets.make_moons`.
    public static func moons(
        sizes: SplitSizes = TaskDefinition.moons.defaults.sizes,
        noise: Double = TaskDefinition.moons.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.moons.validate(sizes.parameterValues.merging(["noise": .real(noise)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "moons", seed: seed, sizes: sizes, inputShape: [2], targetShape: [1]
        ) { stream, index, x, y in
            let inner = index & 1 == 1
            let t = stream.uniform(0, Double.pi)
            let c = cos(t), s = sin(t)
            x[0] = (inner ? 1 - c : c) + noise * stream.normal()
            x[1] = (inner ? 0.5 - s : s) + noise * stream.normal()
            y[0] = inner ? 1 : 0
        }
        return LearningTask(
            name: "moons", parameters: parameters, seed: seed, kind: .binary, inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: noise == 0 ? 1 : nil,
                priorEntropy: log(2),
                facts: [
                    "the noise-free label is 1 iff the point before noise lies on the inner moon",
                    "the two moons do not intersect: at noise 0 the classes are separable, though not by a line",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: log(2),
            reference: ReferenceSolution(
                architecture: "dense(16) relu dense(16) relu dense(1)", optimizer: "adam(lr: 0.01)", epochs: 200,
                batchSize: 32,
                // At noise 0.1 the moons overlap only in their tails; a small network separates
                // all but about 1 % of the points.
                target: Target(metric: .accuracy, split: .test, value: 0.97)))
    }
}
