import Foundation

extension TaskDefinition {
    /// The `memorize` catalogue entry; see ``Generators/memorize(points:features:classes:seed:)``.
    public static let memorize = TaskDefinition(
        name: "memorize",
        summary: "One small batch of random inputs with random labels, to overfit: the classic first check of a trainer",
        formula: "for i < points: x_i ~ N(0, I_features), y_i ~ U{0..<classes} independent of x; the same batch in every split",
        citation: "Karpathy, A Recipe for Training Neural Networks (2019), \"overfit one batch\"; Zhang et al., ICLR (2017)",
        parameters: [
            ParameterDefinition("points", "samples in the batch", domain: .integer(1...1024), default: .integer(8)),
            ParameterDefinition("features", "inputs per sample", domain: .integer(1...1024), default: .integer(4)),
            ParameterDefinition("classes", "number of classes", domain: .integer(2...100), default: .integer(2)),
        ]
    ) { arguments throws(DatasetError) in
        try Generators.memorize(
            points: arguments.integer("points"), features: arguments.integer("features"),
            classes: arguments.integer("classes"), seed: arguments.seed)
    }
}

extension Generators {
    /// One small batch of Gaussian inputs with random labels, the same in every split.
    ///
    /// Sample `i` of the batch draws `x_i ~ N(0, I_features)` and then `y_i` uniformly from
    /// `0..<classes`, both from the stream `"memorize/batch"` at index `i`, so the labels carry no
    /// information about the inputs and a batch of 8 begins with the batch of 4.
    ///
    /// Known: the inputs are distinct (with probability 1), so a network with enough units can fit
    /// every label: a correct implementation drives the training loss towards 0 and reaches 100 %
    /// accuracy on the batch. Failing to is the classic sign of a broken gradient or update. The
    /// chance level is the share of the batch's most frequent label, and the prior entropy is the
    /// entropy of the batch's label frequencies (the loss of the best constant prediction).
    ///
    /// - Parameters:
    ///   - points: Samples in the batch, in 1...1024. Default 8.
    ///   - features: Inputs per sample, in 1...1024. Default 4.
    ///   - classes: The number of classes, in 2...100. Default 2.
    ///   - seed: The seed. Default 0.
    /// - Returns: A task with `classes` classes, inputs `[features]` and `points` samples per split.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(points × features).
    /// - SeeAlso: ``randomLabels(sizes:features:classes:seed:)`` (random labels on separate splits, where
    ///   memorising shows as the train–test gap); ``encoder(size:seed:)`` (another fixed set to fit whole).
    ///
    /// Reference: A. Karpathy, "A Recipe for Training Neural Networks" (2019), "overfit one batch";
    /// C. Zhang, S. Bengio, M. Hardt, B. Recht and O. Vinyals, "Understanding deep learning
    /// requires rethinking generalization", ICLR (2017).
    public static func memorize(
        points: Int = TaskDefinition.memorize.defaults.integer("points"),
        features: Int = TaskDefinition.memorize.defaults.integer("features"),
        classes: Int = TaskDefinition.memorize.defaults.integer("classes"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.memorize.validate([
            "points": .integer(points), "features": .integer(features), "classes": .integer(classes),
        ])
        let key = StreamKey.make(seed: seed, purpose: "memorize/batch")
        var inputs = [Double](repeating: 0, count: points * features)
        var labels = [Double](repeating: 0, count: points)
        var counts = [Int](repeating: 0, count: classes)
        for i in 0..<points {
            var stream = RandomStream(key: key, index: UInt64(i))
            for j in 0..<features { inputs[i * features + j] = stream.normal() }
            let label = stream.integer(below: classes)
            labels[i] = Double(label)
            counts[label] += 1
        }
        let splits = SplitBuilder.fixed(inputShape: [features], targetShape: [], inputs: inputs, targets: labels)
        let frequencies = counts.map { Double($0) / Double(points) }
        // Fitting n random labels needs on the order of n hidden units; 32 is ample for small batches.
        let width = max(32, 2 * points)
        return LearningTask(
            name: "memorize", parameters: parameters, seed: seed, kind: .multiclass(classes: classes),
            inputShape: [features], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                priorEntropy: Math.entropy(frequencies),
                facts: [
                    "the labels are independent of the inputs; only memorisation fits them",
                    "the inputs are distinct, so a correct implementation reaches loss ≈ 0 and 100 % accuracy on the batch",
                    "the same batch forms every split",
                ]),
            chanceLevel: frequencies.max()!,
            expectedInitialLoss: log(Double(classes)),
            reference: ReferenceSolution(
                architecture: "dense(\(width)) relu dense(\(classes))", optimizer: "adam(lr: 0.01)", epochs: 1000,
                batchSize: points,
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}
