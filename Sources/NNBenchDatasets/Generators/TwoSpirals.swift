import Foundation

extension TaskDefinition {
    /// The `two-spirals` catalogue entry; see ``Generators/twoSpirals()``.
    public static let twoSpirals = TaskDefinition(
        name: "two-spirals",
        summary: "the 194 points of Lang & Witbrock's two intertwined spirals",
        formula: "for i in 0...96: a = iπ/16, r = 6.5(104 − i)/104; (r sin a, r cos a) is class 1, (−r sin a, −r cos a) class 0",
        citation: "Lang & Witbrock, Proc. 1988 Connectionist Models Summer School; CMU neural-network benchmark collection (mkspiral.c, A. Wieland)",
        parameters: []
    ) { _ throws(DatasetError) in
        try Generators.twoSpirals()
    }
}

extension Generators {
    /// The two-spirals benchmark: 194 points on two interlocking spirals of three turns each.
    ///
    /// For `i` in `0...96`, with angle `a = iπ/16` and radius `r = 6.5·(104 − i)/104`, sample `2i`
    /// is `(r sin a, r cos a)` with class 1 and sample `2i + 1` its negation `(−r sin a, −r cos a)`
    /// with class 0. This is the formula of Alexis Wieland's `mkspiral.c`, the generator of the
    /// CMU benchmark's data file, as the ports of that program quote it; a later CMU generator by Matt
    /// White writes `(r cos a, r sin a)` with π rounded to 3.1416, a mirror image of the same set.
    /// The set is fixed, the same in all three splits.
    ///
    /// Known: the labels are a function of the points (Bayes accuracy 1); the benchmark's success
    /// criterion is every one of the 194 points classified correctly. Plain back-propagation needs
    /// many epochs and shortcut connections or a careful architecture (Lang & Witbrock used 2-5-5-5-1
    /// with shortcuts). The class-0 spiral is the class-1 spiral turned by half a turn.
    ///
    /// - Returns: A binary task with inputs `[2]` and 194 samples per split.
    /// - Throws: Nothing in practice; the task has no parameters.
    /// - SeeAlso: ``spirals(sizes:classes:noise:seed:)`` (random spiral arms, any number of classes, with angle
    ///   noise).
    ///
    /// Reference: K. J. Lang and M. J. Witbrock, "Learning to tell two spirals apart", in
    /// *Proceedings of the 1988 Connectionist Models Summer School*, Morgan Kaufmann (1989),
    /// pp. 52–59; S. E. Fahlman, CMU benchmark collection for neural-net learning algorithms.
    public static func twoSpirals() throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.twoSpirals.validate([:])
        var inputs: [Double] = []
        var targets: [Double] = []
        inputs.reserveCapacity(4 * 97)
        for i in 0...96 {
            let angle = Double(i) * Double.pi / 16
            let radius = 6.5 * Double(104 - i) / 104
            let x = radius * sin(angle), y = radius * cos(angle)
            inputs += [x, y, -x, -y]
            targets += [1, 0]
        }
        let splits = SplitBuilder.fixed(inputShape: [2], targetShape: [1], inputs: inputs, targets: targets)
        return LearningTask(
            name: "two-spirals", parameters: parameters, seed: 0, kind: .binary, inputShape: [2],
            train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                bayesAccuracy: 1,
                priorEntropy: 0.6931471805599453,
                facts: [
                    "194 fixed points, 97 per class, the same in all three splits",
                    "solved means all 194 points classified correctly",
                    "the class-0 spiral is the class-1 spiral rotated by π",
                ]),
            chanceLevel: 0.5,
            expectedInitialLoss: 0.6931471805599453,
            // Full-batch Adam, measured with nnbench's engine: seeds 0 to 9 fit all 194 points in
            // 536 to 816 epochs. With batches of 32 the same network stalls at 94–99 % after
            // 4000 epochs (the gradient noise keeps a few points on the wrong side).
            reference: ReferenceSolution(
                architecture: "dense(64) tanh dense(64) tanh dense(1)", optimizer: "adam(lr: 0.01)", epochs: 2000,
                batchSize: 194,
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}
