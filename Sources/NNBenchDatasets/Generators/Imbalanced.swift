import Foundation

extension TaskDefinition {
    /// The `imbalanced` catalogue entry; see ``Generators/imbalanced(sizes:priors:seed:)``.
    public static let imbalanced = TaskDefinition(
        name: "imbalanced",
        summary: "Gaussian classes with unequal priors: the majority vote is a strong baseline to beat",
        formula: "y ~ priors (inverse CDF of one uniform); c_k = 2(cos 2πk/C, sin 2πk/C); x = c_y + N(0, I₂)",
        citation: "He & Garcia, Learning from Imbalanced Data, IEEE TKDE 21 (2009)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 2000, validation: 1000, test: 1000))
            + [
                ParameterDefinition(
                    "priors", "class probabilities, summing to 1", domain: .reals(0.001...1, count: 2...20),
                    default: .reals([0.7, 0.2, 0.1])),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.imbalanced(sizes: arguments.sizes, priors: arguments.reals("priors"), seed: arguments.seed)
    }
}

extension Generators {
    /// Gaussian classes in the plane whose priors are far from equal.
    ///
    /// Each sample draws its label from the priors by the inverse CDF of one uniform, then
    /// `x = c_y + N(0, I₂)`, with the C centres `c_k = 2(cos 2πk/C, sin 2πk/C)` evenly spaced on the
    /// circle of radius 2 (in the known answer's weights as `"centres"`, `[C, 2]`).
    ///
    /// Known: the prior entropy `H(π) = −Σ π_k ln π_k`, the loss of the best constant prediction
    /// (which a model should beat), against `ln C` for a fresh model's uniform outputs; the chance
    /// level is the largest prior. The covariances are equal, so the Bayes-optimal rule is linear,
    /// `argmax_k c_k·x + ln π_k` (Duda, Hart & Stork §2.6); its accuracy is computed by quadrature:
    /// along each vertical line the rule picks one class per interval, whose probability is a
    /// difference of normal CDFs, leaving a 1-D integral.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 2000, 1000, 1000.
    ///   - priors: The class probabilities, 2 to 20 of them, each in 0.001...1, summing to 1 within
    ///     1e-9. Default 0.7, 0.2, 0.1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A task with `priors.count` classes and inputs `[2]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range or the priors do not sum to 1.
    /// - Complexity: O(total samples × C), plus O(C²) per point of a 20 000-point quadrature.
    /// - SeeAlso: ``blobs(sizes:classes:radius:noise:seed:)`` (equal priors, any number of classes, radius and
    ///   spread); ``logistic(sizes:inputs:seed:)`` (labels drawn from a linear model).
    ///
    /// Reference: H. He and E. A. Garcia, "Learning from Imbalanced Data", IEEE Transactions on
    /// Knowledge and Data Engineering 21 (2009); R. O. Duda, P. E. Hart and D. G. Stork, *Pattern
    /// Classification*, 2nd ed. (2001), §2.6.
    public static func imbalanced(
        sizes: SplitSizes = TaskDefinition.imbalanced.defaults.sizes,
        priors: [Double] = TaskDefinition.imbalanced.defaults.reals("priors"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.imbalanced.validate(sizes.parameterValues.merging(["priors": .reals(priors)]) { $1 })
        guard abs(priors.reduce(0, +) - 1) <= 1e-9 else {
            throw .invalidValue(
                task: "imbalanced", name: "priors", value: ParameterValue.Value.reals(priors).description,
                expected: "priors that sum to 1")
        }
        let classes = priors.count
        let centres = (0..<classes).flatMap { k in
            let angle = 2 * Double.pi * Double(k) / Double(classes)
            return [2 * cos(angle), 2 * sin(angle)]
        }
        let cumulative = priors.indices.map { priors[...$0].reduce(0, +) }
        let splits = try SplitBuilder.independent(
            task: "imbalanced", seed: seed, sizes: sizes, inputShape: [2], targetShape: []
        ) { stream, _, x, y in
            let u = stream.uniform()
            // The last class takes the rounding gap if the cumulative sum ends just below 1.
            let label = cumulative.firstIndex { u < $0 } ?? classes - 1
            x[0] = centres[2 * label] + stream.normal()
            x[1] = centres[2 * label + 1] + stream.normal()
            y[0] = Double(label)
        }
        let bayes = imbalancedBayesAccuracy(priors: priors, centres: centres)
        // Three standard errors of the accuracy measured on the test split, as for blobs.
        let standardError = (bayes * (1 - bayes) / Double(sizes.test)).squareRoot()
        return LearningTask(
            name: "imbalanced", parameters: parameters, seed: seed, kind: .multiclass(classes: classes),
            inputShape: [2], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                weights: ["centres": ShapedArray(shape: [classes, 2], values: centres)],
                bayesAccuracy: bayes,
                linearBound: bayes,
                priorEntropy: Math.entropy(priors),
                facts: [
                    "the best constant prediction has loss H(priors); a model must beat it to use the inputs",
                    "the Bayes-optimal rule is linear: argmax_k c_k·x + ln prior_k",
                    "always predicting the majority class scores the largest prior",
                ]),
            chanceLevel: priors.max()!,
            expectedInitialLoss: log(Double(classes)),
            reference: ReferenceSolution(
                architecture: "dense(\(classes))", optimizer: "adam(lr: 0.05)", epochs: 100, batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: bayes - 3 * standardError)))
    }

    /// The accuracy of the rule `argmax_k c_k·x + ln π_k` when `x ~ N(c_y, I₂)`, `y ~ π`, for centres of
    /// equal norm (so the `−|c_k|²/2` terms of the log-posteriors cancel).
    ///
    /// On the vertical line at `x₀` the score of class k is a line in `x₁`; class k wins on an
    /// interval (empty or bounded by its crossings with the lines of smaller and larger slope),
    /// and the chance mass it contributes there is `π_k φ(x₀ − c_k0) [Φ(hi − c_k1) − Φ(lo − c_k1)]`.
    /// Simpson's rule integrates that over `x₀`, within 10 standard deviations of every centre.
    static func imbalancedBayesAccuracy(priors: [Double], centres: [Double]) -> Double {
        let classes = priors.count
        let logPriors = priors.map { log($0) }
        let reach = centres.map(abs).max()! + 10
        return Math.integrate(from: -reach, to: reach) { x0 in
            var mass = 0.0
            for k in 0..<classes {
                let slope = centres[2 * k + 1], intercept = logPriors[k] + centres[2 * k] * x0
                var lo = -Double.infinity, hi = Double.infinity
                for j in 0..<classes where j != k {
                    let otherSlope = centres[2 * j + 1], otherIntercept = logPriors[j] + centres[2 * j] * x0
                    if otherSlope == slope {
                        // Parallel scores: the higher one wins everywhere; ties go to the lower index.
                        if otherIntercept > intercept || (otherIntercept == intercept && j < k) { hi = lo }
                    } else {
                        let crossing = (otherIntercept - intercept) / (slope - otherSlope)
                        if otherSlope < slope { lo = max(lo, crossing) } else { hi = min(hi, crossing) }
                    }
                }
                if lo < hi {
                    let c0 = centres[2 * k], c1 = centres[2 * k + 1]
                    mass += priors[k] * Math.normalPDF(x0 - c0) * (Math.normalCDF(hi - c1) - Math.normalCDF(lo - c1))
                }
            }
            return mass
        }
    }
}
