/// Where an export reads a task's samples from: a whole task in memory, or a task's definition,
/// which draws any window of samples on demand, so that writing 10^8 samples never holds them
/// all (``SplitSizes/window``).
package struct DatasetSource: Sendable {
    /// The task's name, seed, parameters, kind and shapes, which a file's header needs; when the
    /// source streams, its splits hold no samples.
    let task: LearningTask
    /// The number of samples in each split of the whole task.
    let sizes: SplitSizes
    /// Draws a window of samples; `nil` when the whole task is in ``task``.
    private let draw: (@Sendable (SampleWindow) -> Split)?

    /// A source that holds the whole task.
    ///
    /// - Parameter task: The task, its splits complete.
    package init(_ task: LearningTask) {
        self.init(
            task: task, sizes: SplitSizes(train: task.train.count, validation: task.validation.count, test: task.test.count),
            draw: nil)
    }

    private init(task: LearningTask, sizes: SplitSizes, draw: (@Sendable (SampleWindow) -> Split)?) {
        self.task = task
        self.sizes = sizes
        self.draw = draw
    }

    /// A source that draws a task's samples window by window when the task's samples are
    /// independent draws, and otherwise (a fixed set: parity's patterns, two-spirals' points,
    /// always small) makes the whole task at once.
    ///
    /// - Parameters:
    ///   - definition: The task's catalogue entry.
    ///   - overrides: Parameter values by name, as text.
    ///   - seed: The seed.
    /// - Throws: ``DatasetError`` when a name is unknown or a value is invalid.
    package init(_ definition: TaskDefinition, overrides: [String: String], seed: UInt64) throws(DatasetError) {
        guard let sizes = try definition.sizes(overrides),
              let header = try definition.makeTask(overrides, seed: seed, window: SampleWindow(split: .train, range: 0..<0))
        else {
            self.init(try definition.makeTask(overrides, seed: seed))
            return
        }
        self.init(task: header, sizes: sizes) { window in
            do {
                // The same values were validated when the header was made.
                return try definition.makeTask(overrides, seed: seed, window: window)![window.split]
            } catch {
                preconditionFailure("task '\(definition.name)' refused values it accepted before: \(error)")
            }
        }
    }

    /// Samples `rows` of a split.
    ///
    /// - Parameters:
    ///   - name: The split.
    ///   - rows: Sample indices within `0..<sizes[name]`.
    /// - Returns: A split of `rows.count` samples, sample `rows.lowerBound` first.
    func samples(of name: SplitName, rows: Range<Int>) -> Split {
        if let draw { return draw(SampleWindow(split: name, range: rows)) }
        let split = task[name]
        return Split(
            name: name, inputShape: split.inputShape, targetShape: split.targetShape,
            inputs: Array(split.inputs[rows.lowerBound * split.inputWidth..<rows.upperBound * split.inputWidth]),
            targets: Array(split.targets[rows.lowerBound * split.targetWidth..<rows.upperBound * split.targetWidth]))
    }
}
