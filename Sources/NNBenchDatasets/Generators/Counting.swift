import Foundation
import NNBenchIO

extension TaskDefinition {
    /// The `counting` catalogue entry; see ``Generators/counting(sizes:length:seed:)``.
    public static let counting = TaskDefinition(
        name: "counting",
        summary: "count the ones in a bit sequence read one bit per step",
        formula: "x_t ~ U{0, 1} for t in 0..<T; y = x_0 + … + x_{T-1}",
        citation: "Gers & Schmidhuber, LSTM recurrent networks learn simple context-free and context-sensitive languages, IEEE Trans. Neural Networks 12 (2001); Rodriguez, Wiles & Elman, Connection Science 11 (1999)",
        parameters: ParameterDefinition.sizes(SplitSizes(train: 256, validation: 500, test: 500))
            + [ParameterDefinition("length", "number of time steps T", domain: .integer(2...1000), default: .integer(10))]
    ) { arguments throws(DatasetError) in
        try Generators.counting(sizes: arguments.sizes, length: arguments.integer("length"), seed: arguments.seed)
    }
}

extension Generators {
    /// The counting problem: bits read one per step; the target is the number of ones, read after
    /// the last step.
    ///
    /// A sample is `length` = T steps `x_t ∈ {0, 1}`, each uniform and independent, drawn in order
    /// from the sample's own stream; the target is `y = Σ_t x_t`, a regression target in `0...T`.
    /// The input is a sequence `[T, 1]` for a recurrent layer.
    ///
    /// Known: `y` is Binomial(T, 1/2), mean T/2 and variance T/4, so the best constant prediction,
    /// T/2, has MSE T/4, the memoryless figure (the best prediction from the step alone). A model
    /// without memory still sees the last step's input: it predicts `x_{T−1} + (T − 1)/2` and
    /// reaches `(T − 1)/4`, the bar below which a model must have stored earlier steps. The loss at initialisation
    /// (predicting 0) is `E[y²] = T²/4 + T/4`; there is no noise. A counter is one unit that adds
    /// its input: `rnn(1, nonlinearity: relu, sequence: false)` with both weights 1 and both biases 0 is exact
    /// (`h_t = relu(x_t + h_{t−1}) = Σ_{s≤t} x_s`), and so is `dense(1)` with weights 1 after
    /// `flatten`. Unlike parity, every input is correlated with the target, so gradient descent
    /// finds the counter step by step; the difficulty is holding an unbounded quantity in units
    /// that saturate (tanh, a GRU's gates) rather than a bit. Measured at the defaults (seeds 0 to
    /// 19, `adam(lr: 0.05)`, batch 8): `gru(16)` meets MSE T/100 in 4 to 8 epochs (`gru(8)` missed
    /// it on 1 seed of 10); a plain tanh `rnn(16)` ends 15 epochs at MSE 1.8 to 3.4, around T/4,
    /// and 40 epochs too (seeds 0 to 4). At `lr: 0.02` a plain `rnn(8)` got there in 21 to 26
    /// epochs (3 seeds): the lesson is that it is slow, not that it cannot.
    ///
    /// - Parameters:
    ///   - sizes: Samples per split. Default 256, 500, 500.
    ///   - length: T, in 2...1000. Default 10: the reference GRU meets its target in a few epochs,
    ///     and a plain tanh `rnn` trained as it stays near the memoryless MSE.
    ///   - seed: The seed. Default 0.
    /// - Returns: A regression task with inputs `[length, 1]` and one output.
    /// - Throws: ``DatasetError`` when a parameter is out of range.
    /// - Complexity: O(total samples × length).
    /// - SeeAlso: ``sequenceParity(sizes:length:seed:)`` (the count's parity),
    ///   ``sum(sizes:inputs:seed:)`` (a sum of real inputs, all at once).
    ///
    /// Reference: F. A. Gers and J. Schmidhuber, "LSTM recurrent networks learn simple context-free
    /// and context-sensitive languages", *IEEE Transactions on Neural Networks* 12(6), 1333–1340
    /// (2001); P. Rodriguez, J. Wiles and J. L. Elman, "A recurrent neural network that learns to
    /// count", *Connection Science* 11(1), 5–40 (1999).
    public static func counting(
        sizes: SplitSizes = TaskDefinition.counting.defaults.sizes,
        length: Int = TaskDefinition.counting.defaults.integer("length"),
        seed: UInt64 = 0
    ) throws(DatasetError) -> LearningTask {
        let parameters = try TaskDefinition.counting.validate(sizes.parameterValues.merging(["length": .integer(length)]) { $1 })
        let splits = try SplitBuilder.bitSequences(task: "counting", seed: seed, sizes: sizes, length: length) { ones in Double(ones) }
        let t = Double(length)
        return LearningTask(
            name: "counting", parameters: parameters, seed: seed, kind: .regression(outputs: 1),
            inputShape: [length, 1], train: splits.train, validation: splits.validation, test: splits.test,
            answer: KnownAnswer(
                noiseFloor: 0,
                memorylessLoss: t / 4,
                facts: [
                    "the input is a sequence: x[t] = (bit) of step t",
                    "predicting the constant \((t / 2).numberText) gives MSE T/4 = \((t / 4).numberText), the memoryless figure (the step alone)",
                    "a model without memory sees only the last step and reaches MSE (T − 1)/4 = \(((t - 1) / 4).numberText) at best: below it, the model stored earlier steps",
                    "rnn(1, nonlinearity: relu, sequence: false) with weights 1 and biases 0 counts exactly; so does flatten dense(1) with weights 1",
                ]),
            chanceLevel: t / 4,
            expectedInitialLoss: t * t / 4 + t / 4,
            reference: ReferenceSolution(
                architecture: "gru(16, sequence: false) dense(1)", optimizer: "adam(lr: 0.05)", epochs: 30,
                batchSize: 8,
                // T/100, a 25th of the memoryless MSE: an RMS error of a fifth of the best
                // constant's, which a network that rounds its output would count exactly.
                target: Target(metric: .mse, split: .test, value: t / 100)))
    }
}
