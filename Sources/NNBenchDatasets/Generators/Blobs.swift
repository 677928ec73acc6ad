import Foundation

extension TaskDefinition {
    /// The `blobs` catalogue entry; see ``Generators/blobs(sizes:classes:radius:noise:seed:)``.
    public static let blobs = TaskDefinition(
        name: "blobs",
        summary: "Isotropic Gaussian blobs with centres evenly spaced on a circle, and their exact Bayes accuracy",
        formula: "y = i mod K; c_k = radius·(cos 2πk/K, sin 2πk/K); x = c_y + noise·N(0, I₂)",
        citation: "Pedregosa et al., Scikit-learn: Machine Learning in Python, JMLR 12 (2011), make_blobs",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [
                ParameterDefinition("classes", "number of blobs", domain: .integer(2...20), default: .integer(3)),
                ParameterDefinition(
                    "radius", "distance of every centre from the origin", domain: .real(0...100), default: .real(2.5)),
                ParameterDefinition(
                    "noise", "standard deviation of each blob, per coordinate", domain: .real(0.01...100),
                    default: .real(1)),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.blobs(
            sizes: arguments.sizes, classes: arguments.integer("classes"), radius: arguments.real("radius"),
            noise: arguments.real("noise"), seed: arguments.seed)
    }
}

extension Generators {
    /// Isotropic Gaussian blobs in the plane whose Bayes-optimal accuracy is known exactly.
    ///
    /// Sample `i` has class `y = i mod K`, so the priors are equal. The centre of class `k` is
    /// `c_k = R(cos 2πk/K, sin 2πk/K)` and `x = c_y + σ·N(0, I₂)`, with `R = radius`, `σ = noise`.
    ///
    /// Known: with equal priors and equal isotropic covariances the Bayes-optimal rule is the
    /// nearest centre, whose regions are the K wedges of angle 2π/K around the centres. The Bayes
    /// accuracy is the chance that a point of class k falls in its own wedge; in polar coordinates
    /// about the origin, with `a = R cos θ`,
    ///
    ///     P = (1/2π) ∫_{−π/K}^{π/K} exp(−R² sin²θ / 2σ²) [exp(−a²/2σ²) + (a/σ)√(2π) Φ(a/σ)] dθ,
    ///
    /// which is Φ(R/σ) for K = 2. The boundaries are lines, so a linear softmax classifier is
    /// Bayes-optimal (the log-posterior of class k is `c_k·x / σ²` plus a constant). The centres
    /// are in the known answer's weights as `"centres"`, `[K, 2]`.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - classes: The number of blobs K, in 2...20. Default 3.
    ///   - radius: The distance R of every centre from the origin, in 0...100. Default 2.5.
    ///   - noise: The standard deviation σ of each blob, in 0.01...100. Default 1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A task with K classes and inputs `[2]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples), plus a fixed 20 000-point quadrature for the Bayes accuracy.
    /// - SeeAlso: ``imbalanced(sizes:priors:seed:)`` (Gaussian classes with unequal priors);
    ///   ``logistic(sizes:inputs:seed:)`` (labels drawn from a linear model).
    ///
    /// Reference: F. Pedregosa et al., "Scikit-learn: Machine Learning in Python", JMLR 12 (2011),
    /// `sklearn.datasets.make_blobs`; R. O. Duda, P. E. Hart and D. G. Stork, *Pattern
    /// Classification*, 2nd ed. (2001), §2.6 (discriminant functions for equal covariances).
    public static func blobs(
        sizes: SplitSizes = TaskDefinition.blobs.defaults.sizes,
        classes: Int = TaskDefinition.blobs.defaults.integer("classes"),
        radius: Double = TaskDefinition.blobs.defaults.real("radius"),
        noise: Double = TaskDefinition.blobs.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.blobs.validate(
            sizes.parameterValues.merging([
                "classes": .integer(classes), "radius": .real(radius), "noise": .real(noise),
            ]) { $1 })
        let centres = (0..<classes).flatMap { k in
            let angle = 2 * Double.pi * Double(k) / Double(classes)
            return [radius * cos(angle), radius * sin(angle)]
        }
        let splits = try SplitBuilder.independent(
            task: "blobs", seed: seed, sizes: sizes, inputShape: [2], targetShape: []
        ) { stream, index, x, y in
            let label = index % classes
            x[0] = centres[2 * label] + noise * stream.normal()
            x[1] = centres[2 * label + 1] + noise * stream.normal()
            y[0] = Double(label)
        }
        let bayes = blobsBayesAccuracy(classes: classes, radius: radius, noise: noise)
        // Three standard errors of the accuracy measured on the test split: a Bayes-optimal model
        // falls below this bound about once in 700 draws of the test split.
        let standardError = (bayes * (1 - bayes) / Double(sizes.test)).squareRoot()
        return LearningTask(
            name: "blobs", parameters: parameters, seed: seed, kind: .multiclass(classes: classes), inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                weights: ["centres": ShapedArray(shape: [classes, 2], values: centres)],
                bayesAccuracy: bayes,
                linearBound: bayes,
                priorEntropy: log(Double(classes)),
                facts: [
                    "the Bayes-optimal rule is the nearest centre; its regions are wedges of angle 2π/K",
                    "the boundaries are lines, so a linear softmax classifier is Bayes-optimal",
                ]),
            chanceLevel: 1 / Double(classes),
            expectedInitialLoss: log(Double(classes)),
            reference: ReferenceSolution(
                architecture: "dense(\(classes))", optimizer: "adam(lr: 0.05)", epochs: 100, batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: bayes - 3 * standardError)))
    }

    /// The probability that a point of a blob lies in its own Bayes wedge; see
    /// ``blobs(sizes:classes:radius:noise:seed:)`` for the formula.
    ///
    /// The integrand is even in θ, so the quadrature covers [0, π/K] and doubles. When σ/R is
    /// small the factor exp(−R² sin²θ / 2σ²) vanishes long before the wedge's edge; past
    /// θ = 60σ/R it is below e⁻⁷⁰⁰, so the quadrature stops there and keeps its resolution on
    /// the peak.
    static func blobsBayesAccuracy(classes: Int, radius: Double, noise: Double) -> Double {
        let halfWedge = Double.pi / Double(classes)
        let upper = radius > 0 ? min(halfWedge, 60 * noise / radius) : halfWedge
        let ratio = radius / noise
        let integral = Math.integrate(from: 0, to: upper) { theta in
            let s = ratio * sin(theta), a = ratio * cos(theta)
            return exp(-0.5 * s * s) * (exp(-0.5 * a * a) + a * (2 * Double.pi).squareRoot() * Math.normalCDF(a))
        }
        return 2 * integral / (2 * Double.pi)
    }
}
