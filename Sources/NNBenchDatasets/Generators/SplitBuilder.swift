/// Builds the splits of a task from a per-sample drawing function.
enum SplitBuilder {
    /// The three splits of a task whose samples are independent draws.
    ///
    /// Sample `i` of split `s` is drawn from its own ``RandomStream`` with key
    /// `StreamKey.make(seed, "<task>/<s>")` and index `i`, so it depends on nothing but
    /// (task, seed, split, i).
    ///
    /// - Parameters:
    ///   - task: The task's name, part of every stream's key.
    ///   - seed: The user's seed.
    ///   - sizes: The number of samples per split.
    ///   - inputShape: The shape of one input.
    ///   - targetShape: The shape of one target.
    ///   - draw: Writes sample `index` into the input and target buffers, drawing from the stream.
    /// - Returns: The training, validation and test splits.
    /// - Complexity: O(total samples × cost of `draw`).
    static func independent(
        task: String, seed: UInt64, sizes: SplitSizes, inputShape: [Int], targetShape: [Int],
        draw: (inout RandomStream, Int, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> (train: Split, validation: Split, test: Split) {
        func make(_ name: SplitName) -> Split {
            let count = sizes[name]
            let key = StreamKey.make(seed: seed, purpose: "\(task)/\(name.rawValue)")
            let inputWidth = inputShape.reduce(1, *)
            let targetWidth = targetShape.reduce(1, *)
            var inputs = [Double](repeating: 0, count: count * inputWidth)
            var targets = [Double](repeating: 0, count: count * targetWidth)
            inputs.withUnsafeMutableBufferPointer { x in
                targets.withUnsafeMutableBufferPointer { y in
                    for index in 0..<count {
                        var stream = RandomStream(key: key, index: UInt64(index))
                        draw(
                            &stream, index,
                            UnsafeMutableBufferPointer(rebasing: x[index * inputWidth..<(index + 1) * inputWidth]),
                            UnsafeMutableBufferPointer(rebasing: y[index * targetWidth..<(index + 1) * targetWidth]))
                    }
                }
            }
            return Split(name: name, inputShape: inputShape, targetShape: targetShape, inputs: inputs, targets: targets)
        }
        return (make(.train), make(.validation), make(.test))
    }

    /// The splits of a task whose data is one fixed set (all parity patterns, the 194 points of
    /// two-spirals): the same samples in all three, because the task is to fit them.
    ///
    /// - Parameters:
    ///   - inputShape: The shape of one input.
    ///   - targetShape: The shape of one target.
    ///   - inputs: All inputs, flat.
    ///   - targets: All targets, flat.
    /// - Returns: Three splits holding the same samples.
    static func fixed(
        inputShape: [Int], targetShape: [Int], inputs: [Double], targets: [Double]
    ) -> (train: Split, validation: Split, test: Split) {
        func make(_ name: SplitName) -> Split {
            Split(name: name, inputShape: inputShape, targetShape: targetShape, inputs: inputs, targets: targets)
        }
        return (make(.train), make(.validation), make(.test))
    }
}
