import Dispatch

/// Builds the splits of a task from a per-sample drawing function.
enum SplitBuilder {
    /// The three splits of a task whose samples are independent draws.
    ///
    /// Sample `i` of split `s` is drawn from its own ``RandomStream`` with key
    /// `StreamKey.make(seed, "<task>/<s>")` and index `i`, so it depends on nothing but
    /// (task, seed, split, i). That is what lets a split of many samples be drawn in blocks on
    /// several threads, and an export draw any window of samples alone (``SplitSizes/window``),
    /// with the same bits.
    ///
    /// - Parameters:
    ///   - task: The task's name, part of every stream's key.
    ///   - seed: The user's seed.
    ///   - sizes: The number of samples per split; with a window, only the window's samples are
    ///     drawn (those below the split's size), and the other splits are empty.
    ///   - inputShape: The shape of one input.
    ///   - targetShape: The shape of one target.
    ///   - draw: Writes sample `index` into the input and target buffers, drawing from the stream.
    /// - Returns: The training, validation and test splits.
    /// - Throws: ``DatasetError/tooLarge(task:samples:valuesPerSample:limit:)`` when the whole
    ///   task (no window) has more than ``maximumValues`` values: each size is in its range, but
    ///   not their product with a sample's width (`counting` at n = 10^8 and length 1000).
    /// - Complexity: O(total samples × cost of `draw`), on up to the machine's cores.
    static func independent(
        task: String, seed: UInt64, sizes: SplitSizes, inputShape: [Int], targetShape: [Int],
        draw: @escaping @Sendable (inout RandomStream, Int, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) throws(DatasetError) -> (train: Split, validation: Split, test: Split) {
        let inputWidth = inputShape.reduce(1, *)
        let targetWidth = targetShape.reduce(1, *)
        let samples = sizes.train + sizes.validation + sizes.test
        let (values, overflow) = samples.multipliedReportingOverflow(by: inputWidth + targetWidth)
        if sizes.window == nil, overflow || values > maximumValues {
            throw .tooLarge(task: task, samples: samples, valuesPerSample: inputWidth + targetWidth, limit: maximumValues)
        }
        func make(_ name: SplitName) -> Split {
            let all = 0..<sizes[name]
            let indices = sizes.window.map { $0.split == name ? $0.range.clamped(to: all) : 0..<0 } ?? all
            let key = StreamKey.make(seed: seed, purpose: "\(task)/\(name.rawValue)")
            var inputs = [Double](repeating: 0, count: indices.count * inputWidth)
            var targets = [Double](repeating: 0, count: indices.count * targetWidth)
            inputs.withUnsafeMutableBufferPointer { x in
                targets.withUnsafeMutableBufferPointer { y in
                    let buffers = SampleBuffers(inputs: x, targets: y)
                    let blocks = (indices.count + blockSize - 1) / blockSize
                    // Blocks write disjoint rows, and each sample's values depend on its index
                    // alone, so the bits are the same on any number of threads.
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        let start = block * blockSize
                        for row in start..<min(start + blockSize, indices.count) {
                            let index = indices.lowerBound + row
                            var stream = RandomStream(key: key, index: UInt64(index))
                            draw(
                                &stream, index,
                                UnsafeMutableBufferPointer(rebasing: buffers.inputs[row * inputWidth..<(row + 1) * inputWidth]),
                                UnsafeMutableBufferPointer(rebasing: buffers.targets[row * targetWidth..<(row + 1) * targetWidth]))
                        }
                    }
                }
            }
            return Split(name: name, inputShape: inputShape, targetShape: targetShape, inputs: inputs, targets: targets)
        }
        return (make(.train), make(.validation), make(.test))
    }

    /// The most values (inputs and targets) a whole task may hold: 2^30 doubles, 8 GiB, which
    /// every two-input task takes at its largest n (10^8 samples of 3 values) and which leaves
    /// room on a machine of 24 GiB for what training copies. An export streams past it.
    static let maximumValues = 1 << 30

    /// Samples drawn by one thread at a time: enough to make a block's dispatch negligible, few
    /// enough that a task of a few thousand samples still uses every core.
    static let blockSize = 4096

    /// A split's value buffers, shared by the threads that draw its blocks into disjoint rows.
    private struct SampleBuffers: @unchecked Sendable {
        let inputs: UnsafeMutableBufferPointer<Double>
        let targets: UnsafeMutableBufferPointer<Double>
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
