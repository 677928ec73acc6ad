extension SplitBuilder {
    /// The splits of a task whose input is a sequence of `length` fair bits, read one per step
    /// (`[length, 1]`), and whose one target is a function of the number of ones.
    ///
    /// Bit `t` is the `t`-th draw `stream.integer(below: 2)` of the sample's own stream; the
    /// task's name is part of the streams' key, so two tasks built on this draw different bits.
    ///
    /// - Parameters:
    ///   - task: The task's name, part of every stream's key.
    ///   - seed: The user's seed.
    ///   - sizes: The number of samples per split.
    ///   - length: T, the number of steps.
    ///   - target: The target of a sequence with the given number of ones.
    /// - Returns: The training, validation and test splits.
    /// - Throws: What ``independent(task:seed:sizes:inputShape:targetShape:draw:)`` throws.
    static func bitSequences(
        task: String, seed: UInt64, sizes: SplitSizes, length: Int, target: @escaping @Sendable (Int) -> Double
    ) throws(DatasetError) -> (train: Split, validation: Split, test: Split) {
        try independent(task: task, seed: seed, sizes: sizes, inputShape: [length, 1], targetShape: [1]) { stream, _, x, y in
            var ones = 0
            for t in 0..<length {
                let bit = stream.integer(below: 2)
                x[t] = Double(bit)
                ones += bit
            }
            y[0] = target(ones)
        }
    }
}
