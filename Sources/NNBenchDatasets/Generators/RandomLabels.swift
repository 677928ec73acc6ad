import Foundation

extension TaskDefinition {
    /// The `random-labels` catalogue entry; see ``Generators/randomLabels(sizes:features:classes:seed:)``.
    public static let randomLabels = TaskDefinition(
        name: "random-labels",
        summary: "Gaussian inputs with labels independent of them: memorisable, never generalisable",
        formula: "x ~ N(0, I_features); y ~ U{0..<classes}, independent of x",
        citation: "Zhang, Bengio, Hardt, Recht & Vinyals, Understanding deep learning requires rethinking generalization, ICLR (2017)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 256, validation: 256, test: 256))
            + [
                ParameterDefinition("features", "inputs per sample", domain: .integer(1...1024), default: .integer(16)),
                ParameterDefinition("classes", "number of classes", domain: .integer(2...100), default: .integer(2)),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.randomLabels(
            sizes: arguments.sizes, features: arguments.integer("features"), classes: arguments.integer("classes"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// Gaussian inputs with uniformly random labels that carry no information about them.
    ///
    /// Each sample draws `x ~ N(0, I_features)` and then its label uniformly from `0..<classes`.
    ///
    /// Known: the Bayes accuracy is `1/classes`, chance, since the label is independent of the
    /// input. A network with enough units still reaches 100 % training accuracy by memorising the
    /// training split, while its test accuracy stays at chance: the gap is pure memorisation. The
    /// reference solution's width is set for the default 256 training samples.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 256, 256, 256.
    ///   - features: Inputs per sample, in 1...1024. Default 16.
    ///   - classes: The number of classes, in 2...100. Default 2.
    ///   - seed: The seed. Default 0.
    /// - Returns: A task with `classes` classes and inputs `[features]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × features).
    /// - SeeAlso: ``memorize(points:features:classes:seed:)`` (one small batch, the same in every split).
    ///
    /// Reference: C. Zhang, S. Bengio, M. Hardt, B. Recht and O. Vinyals, "Understanding deep
    /// learning requires rethinking generalization", ICLR (2017).
    public static func randomLabels(
        sizes: SplitSizes = TaskDefinition.randomLabels.defaults.sizes,
        features: Int = TaskDefinition.randomLabels.defaults.integer("features"),
        classes: Int = TaskDefinition.randomLabels.defaults.integer("classes"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.randomLabels.validate(
            sizes.parameterValues.merging(["features": .integer(features), "classes": .integer(classes)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "random-labels", seed: seed, sizes: sizes, inputShape: [features], targetShape: []
        ) { stream, _, x, y in
            for j in 0..<features { x[j] = stream.normal() }
            y[0] = Double(stream.integer(below: classes))
        }
        let chance = 1 / Double(classes)
        return LearningTask(
            name: "random-labels", parameters: parameters, seed: seed, kind: .multiclass(classes: classes),
            inputShape: [features], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: chance,
                priorEntropy: log(Double(classes)),
                facts: [
                    "the labels are independent of the inputs: the Bayes accuracy is chance, 1/classes",
                    "training accuracy can reach 100 % by memorisation",
                    "test accuracy stays at chance whatever the model; above it means leakage between splits",
                ]),
            chanceLevel: chance,
            expectedInitialLoss: log(Double(classes)),
            reference: ReferenceSolution(
                architecture: "dense(256) relu dense(\(classes))", optimizer: "adam(lr: 0.01)", epochs: 300,
                batchSize: 32,
                target: Target(metric: .accuracy, split: .train, value: 0.99)))
    }
}
