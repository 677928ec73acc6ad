import Foundation

extension TaskDefinition {
    /// The `checkerboard` catalogue entry; see ``Generators/checkerboard(sizes:cells:flip:seed:)``.
    public static let checkerboard = TaskDefinition(
        name: "checkerboard",
        summary: "Points in a square labelled by the colour of their checkerboard cell, with optional label noise",
        formula: "x ~ U(−1, 1)²; y = (⌊(x₀+1)/2·cells⌋ + ⌊(x₁+1)/2·cells⌋) mod 2, flipped with probability flip",
        citation: "Ho & Kleinberg, Building projectable classifiers of arbitrary complexity, ICPR (1996)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 2000, validation: 1000, test: 1000))
            + [
                ParameterDefinition("cells", "cells per side of the board", domain: .integer(2...32), default: .integer(4)),
                ParameterDefinition(
                    "flip", "probability that a label is flipped", domain: .real(0...0.5), default: .real(0)),
            ]
    ) { arguments throws(DatasetError) in
        try Generators.checkerboard(
            sizes: arguments.sizes, cells: arguments.integer("cells"), flip: arguments.real("flip"),
            seed: arguments.seed)
    }
}

extension Generators {
    /// A checkerboard of `cells × cells` squares on [−1, 1)², two colours, with label noise.
    ///
    /// Each sample draws `x ~ U(−1, 1)²`; its noise-free label is the colour of its cell,
    /// `(⌊(x₀+1)/2·cells⌋ + ⌊(x₁+1)/2·cells⌋) mod 2`, which is then flipped with probability `flip`.
    ///
    /// Known: the noise-free labels; the Bayes-optimal accuracy is `1 − flip`. With an odd number
    /// of cells per side, colour 0 has `(cells² + 1)/2` of the `cells²` cells, so the classes are
    /// balanced only for even `cells`; the chance level and prior entropy account for this. The
    /// reference solution's target is set for boards of up to about 6 × 6 cells at the default sizes.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 2000, 1000, 1000.
    ///   - cells: Cells per side, in 2...32. Default 4.
    ///   - flip: The probability that a label is flipped, in 0...0.5. Default 0.
    ///   - seed: The seed. Default 0.
    /// - Returns: A binary task with inputs `[2]`.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples).
    /// - SeeAlso: ``xor(sizes:noise:seed:)`` (the four corners of a 2 × 2 board); ``parity(bits:)`` (alternating
    ///   labels on the corners of a cube).
    ///
    /// Reference: T. K. Ho and E. M. Kleinberg, "Building projectable classifiers of arbitrary
    /// complexity", Proc. 13th ICPR (1996).
    public static func checkerboard(
        sizes: SplitSizes = TaskDefinition.checkerboard.defaults.sizes,
        cells: Int = TaskDefinition.checkerboard.defaults.integer("cells"),
        flip: Double = TaskDefinition.checkerboard.defaults.real("flip"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.checkerboard.validate(
            sizes.parameterValues.merging(["cells": .integer(cells), "flip": .real(flip)]) { $1 })
        let splits = try SplitBuilder.independent(
            task: "checkerboard", seed: seed, sizes: sizes, inputShape: [2], targetShape: [1]
        ) { stream, _, x, y in
            x[0] = stream.uniform(-1, 1)
            x[1] = stream.uniform(-1, 1)
            let colour = checkerboardColour(x[0], x[1], cells: cells)
            y[0] = Double(stream.uniform() < flip ? 1 - colour : colour)
        }
        let colourZeroShare = Double((cells * cells + 1) / 2) / Double(cells * cells)
        let labelZeroShare = colourZeroShare * (1 - flip) + (1 - colourZeroShare) * flip
        return LearningTask(
            name: "checkerboard", parameters: parameters, seed: seed, kind: .binary, inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1 - flip,
                priorEntropy: Math.entropy([labelZeroShare, 1 - labelZeroShare]),
                facts: [
                    "the noise-free label is the colour of the point's cell",
                    "the Bayes-optimal accuracy is 1 − flip: the flips are independent of x",
                ]),
            chanceLevel: max(labelZeroShare, 1 - labelZeroShare),
            expectedInitialLoss: log(2),
            reference: ReferenceSolution(
                architecture: "dense(64) relu dense(64) relu dense(1)", optimizer: "adam(lr: 0.005)", epochs: 500,
                batchSize: 32,
                // The network's boundaries are blurred near the cell edges; 5 points below Bayes
                // leaves room for that and for the test split's sampling error.
                target: Target(metric: .accuracy, split: .test, value: 1 - flip - 0.05)))
    }

    /// The colour, 0 or 1, of the cell of a point of [−1, 1)² on a board of `cells × cells` cells.
    ///
    /// A coordinate within an ulp of 1 can round onto `cells`; it belongs to the last cell.
    static func checkerboardColour(_ x0: Double, _ x1: Double, cells: Int) -> Int {
        func cell(_ coordinate: Double) -> Int { min(cells - 1, Int(((coordinate + 1) / 2 * Double(cells)).rounded(.down))) }
        return (cell(x0) + cell(x1)) % 2
    }
}
