import Foundation

extension TaskDefinition {
    /// The `bars-stripes` catalogue entry; see ``Generators/barsStripes(sizes:size:noise:seed:)``.
    public static let barsStripes = TaskDefinition(
        name: "bars-stripes",
        summary: "Tiny images of horizontal bars (class 0) or vertical stripes (class 1), for convolutional layers",
        formula: "y = i mod 2; each row (y = 0) or column (y = 1) on with probability 1/2, not all alike; pixel = on + noise·N(0, 1)",
        citation: "MacKay, Information Theory, Inference, and Learning Algorithms (2003), the bars-and-stripes images",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 1000, validation: 500, test: 500))
            + [
                ParameterDefinition("size", "height and width of the images", domain: .integer(3...64), default: .integer(8)),
                .noise(0.1, "standard deviation of the Gaussian noise added to each pixel"),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.barsStripes(
            sizes: arguments.sizes, size: arguments.integer("size"), noise: arguments.real("noise"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// Images of horizontal bars or vertical stripes: the smallest task that wants a convolution.
    ///
    /// Sample `i` has class `y = i mod 2`. It draws one bit per line (per row for class 0, per
    /// column for class 1), each on with probability 1/2, redrawing from the same stream while all
    /// lines are off or all on, since such an image is both bars and stripes. A pixel is 1 if its
    /// line is on, else 0, plus `noise·N(0, 1)`. Images are `[1, size, size]`, row-major.
    ///
    /// Known: at noise 0 the classes are disjoint (Bayes accuracy 1): a bars image has equal
    /// columns and unequal rows, a stripes image the reverse. One convolution filter that responds
    /// to changes along a row (a vertical-edge detector) fires on stripes and never on bars, so a
    /// convolution, a rectifier, pooling and one dense unit separate them.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 1000, 500, 500.
    ///   - size: Height and width of the images, in 3...64. Default 8.
    ///   - noise: Standard deviation of the noise on each pixel, in 0...100. Default 0.1.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[1, size, size]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × size²).
    ///
    /// Reference: D. J. C. MacKay, *Information Theory, Inference, and Learning Algorithms* (2003),
    /// the bars-and-stripes images.
    public static func barsStripes(
        sizes: SplitSizes = TaskDefinition.barsStripes.defaults.sizes,
        size: Int = TaskDefinition.barsStripes.defaults.integer("size"),
        noise: Double = TaskDefinition.barsStripes.defaults.real("noise"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.barsStripes.validate(
            sizes.parameterValues.merging(["size": .integer(size), "noise": .real(noise)]) { $1 })
        let allOn: UInt64 = size == 64 ? .max : (1 << size) - 1
        let splits = try SplitBuilder.independent(
            task: "bars-stripes", seed: seed, sizes: sizes, inputShape: [1, size, size], targetShape: [1]
        ) { stream, index, x, y in
            let stripes = index & 1 == 1
            var lines: UInt64
            repeat { lines = stream.nextUInt64() & allOn } while lines == 0 || lines == allOn
            for row in 0..<size {
                for column in 0..<size {
                    let line = stripes ? column : row
                    x[row * size + column] = Double(lines >> line & 1) + noise * stream.normal()
                }
            }
            y[0] = stripes ? 1 : 0
        }
        return LearningTask(
            name: "bars-stripes", parameters: parameters, seed: seed, kind: .binary, inputShape: [1, size, size],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: noise == 0 ? 1 : nil,
                priorEntropy: log(2),
                facts: [
                    "meant for convolutional layers",
                    "separable by one convolution filter (a horizontal-versus-vertical edge detector) followed by pooling",
                    "at noise 0 a bars image has equal columns and a stripes image equal rows, never both",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: log(2),
            reference: ReferenceSolution(
                architecture: "conv2d(4, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(1)",
                optimizer: "adam(lr: 0.01)", epochs: 50, batchSize: 32,
                target: Target(metric: .accuracy, split: .test, value: 0.98)))
    }
}
