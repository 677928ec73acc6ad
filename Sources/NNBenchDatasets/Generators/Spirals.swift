import Foundation

extension TaskDefinition {
    /// The `spirals` catalogue entry; see ``Generators/spirals(sizes:classes:noise:seed:)``.
    public static let spirals = TaskDefinition(
        name: "spirals",
        summary: "K noisy spiral arms around the origin, one class per arm (the CS231n spiral data)",
        formula: "j = i mod classes; r ~ U(0, 1); t = 4j + 4r + noise·N(0, 1); x = (r sin t, r cos t); y = j",
        citation: "Karpathy, CS231n notes, \"Putting it together: minimal neural network case study\" (Stanford, 2016)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 300, validation: 300, test: 300))
            + [
                ParameterDefinition("classes", "number of spiral arms", domain: .integer(2...20), default: .integer(3)),
                .noise(0.2, "standard deviation of the Gaussian noise added to each point's angle, in radians"),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.spirals(
            sizes: arguments.sizes, classes: arguments.integer("classes"), noise: arguments.real("noise"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// K spiral arms in the plane, one class per arm, with noise on the angle.
    ///
    /// Sample `i` belongs to class `j = i mod classes`, so every split is balanced. It draws a
    /// radius `r ~ U(0, 1)` and an angle `t = 4j + 4r + noise·ε`, `ε ~ N(0, 1)`, and sits at
    /// `x = (r sin t, r cos t)`. CS231n spaces the radii of each class evenly (`linspace(0, 1, N)`);
    /// drawing them uniformly gives the same distribution in the limit and keeps every sample
    /// independent of the split's size.
    ///
    /// Known: the radius `|x| = r` carries no class information and the angle of `x`, turned back
    /// by `4r`, is `4j + noise·ε` modulo 2π. Since the wrapped normal density falls with the
    /// distance on the circle, the Bayes-optimal rule picks the class whose centre `4k mod 2π` is
    /// nearest on the circle to `atan2(x₀, x₁) − 4|x|`, and its accuracy is the mean over classes of
    /// the wrapped normal's mass inside that class's arc, computed as a sum of normal CDFs. For
    /// `classes = 3` and noise 0.2, CS231n reports a linear softmax classifier near 49 % training
    /// accuracy and a ReLU network with one hidden layer of 100 units near 98 %.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 300, 300, 300.
    ///   - classes: The number of arms, in 2...20. Default 3.
    ///   - noise: The standard deviation of the angle noise in radians, in 0...100. Default 0.2.
    ///   - seed: The seed. Default 0.
    /// - Returns: A multiclass task with inputs `[2]` and `classes` classes.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - SeeAlso: ``twoSpirals()`` (the fixed 194-point benchmark of two spirals).
    ///
    /// Reference: A. Karpathy, CS231n: Convolutional Neural Networks for Visual Recognition, course
    /// notes, "Putting it together: minimal neural network case study", Stanford University (2016).
    public static func spirals(
        sizes: SplitSizes = TaskDefinition.spirals.defaults.sizes,
        classes: Int = TaskDefinition.spirals.defaults.integer("classes"),
        noise: Double = TaskDefinition.spirals.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.spirals.validate(
            sizes.parameterValues.merging(["classes": .integer(classes), "noise": .real(noise)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "spirals", seed: seed, sizes: sizes, inputShape: [2], targetShape: []
        ) { stream, index, x, y in
            let arm = index % classes
            let radius = stream.uniform()
            let angle = 4 * Double(arm) + 4 * radius + noise * stream.normal()
            x[0] = radius * sin(angle)
            x[1] = radius * cos(angle)
            y[0] = Double(arm)
        }
        let bayesAccuracy = spiralsBayesAccuracy(classes: classes, noise: noise)
        return LearningTask(
            name: "spirals", parameters: parameters, seed: seed, kind: .multiclass(classes: classes), inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: bayesAccuracy,
                priorEntropy: log(Double(classes)),
                facts: [
                    "the Bayes-optimal rule: the class k whose angle 4k mod 2π is nearest to atan2(x₀, x₁) − 4|x|",
                    "for 3 classes, a linear softmax classifier stays near 49 % training accuracy (CS231n)",
                    "for 3 classes, one hidden layer of 100 ReLU units reaches about 98 % training accuracy (CS231n)",
                ]),
            chanceLevel: 1 / Double(classes),
            expectedInitialLoss: log(Double(classes)),
            // CS231n's network for 3 classes, trained with Adam; the target asks for 90 % of the Bayes
            // accuracy on unseen points, below the reported 98 % training accuracy because the arms
            // meet at the origin, where 300 training points cannot resolve them.
            reference: ReferenceSolution(
                architecture: "dense(100) relu dense(\(classes))", optimizer: "adam(lr: 0.01)", epochs: 1000,
                batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: 0.9 * bayesAccuracy)))
    }

    /// The Bayes-optimal accuracy of ``spirals(sizes:classes:noise:seed:)``: the mean over classes
    /// of the probability that the wrapped angle noise stays inside the class's arc of the circle,
    /// the arc of points nearer to its centre `4k mod 2π` than to any other class's.
    static func spiralsBayesAccuracy(classes: Int, noise: Double) -> Double {
        // Without noise the angle names the class: the centres 4k are distinct modulo 2π.
        guard noise > 0 else { return 1 }
        let turn = 2 * Double.pi
        let centres = (0..<classes).map { (4 * Double($0)).truncatingRemainder(dividingBy: turn) }.sorted()
        // Terms of the wrapped normal beyond 8 standard deviations are below 1e-15.
        let wraps = Int((8 * noise / turn).rounded(.up)) + 1
        var total = 0.0
        for (k, centre) in centres.enumerated() {
            let previous = k == 0 ? centres[classes - 1] - turn : centres[k - 1]
            let next = k == classes - 1 ? centres[0] + turn : centres[k + 1]
            let lower = (previous - centre) / 2, upper = (next - centre) / 2
            for m in -wraps...wraps {
                let shift = Double(m) * turn
                total += Math.normalCDF((upper + shift) / noise) - Math.normalCDF((lower + shift) / noise)
            }
        }
        return total / Double(classes)
    }
}
