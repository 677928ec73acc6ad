/// The name of one of a task's three splits.
public enum SplitName: String, Sendable, Hashable, CaseIterable, Codable {
    /// The samples a model learns from.
    case train
    /// The samples used to choose hyperparameters and to stop early.
    case validation = "valid"
    /// The samples a result is reported on.
    case test
}

/// The samples of one split: inputs and targets, flat and row-major, in the layout of
/// the model protocol's "Values" (`docs/protocol.md`).
public struct Split: Sendable, Hashable {
    /// Which split this is.
    public let name: SplitName
    /// The number of samples.
    public let count: Int
    /// The shape of one input sample: `[features]`, or `[channels, height, width]` for images.
    public let inputShape: [Int]
    /// The shape of one target: `[outputs]` (regression), `[1]` (binary) or `[]` (class index).
    public let targetShape: [Int]
    /// `count * product(inputShape)` values, sample after sample.
    public let inputs: [Double]
    /// `count * product(targetShape)` values, sample after sample.
    public let targets: [Double]

    /// Creates a split, checking that the value counts match the shapes.
    ///
    /// - Parameters:
    ///   - name: Which split this is.
    ///   - inputShape: The shape of one input sample.
    ///   - targetShape: The shape of one target.
    ///   - inputs: The inputs, flat and row-major.
    ///   - targets: The targets, flat and row-major.
    public init(name: SplitName, inputShape: [Int], targetShape: [Int], inputs: [Double], targets: [Double]) {
        let inputWidth = inputShape.reduce(1, *)
        let targetWidth = targetShape.reduce(1, *)
        precondition(inputWidth > 0 && inputs.count % inputWidth == 0, "inputs do not fill whole samples")
        self.name = name
        self.count = inputs.count / inputWidth
        precondition(targets.count == count * targetWidth, "targets do not match the number of inputs")
        self.inputShape = inputShape
        self.targetShape = targetShape
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of values in one input sample.
    public var inputWidth: Int { inputShape.reduce(1, *) }

    /// The number of values in one target.
    public var targetWidth: Int { targetShape.reduce(1, *) }

    /// The input values of sample `index`.
    public func input(_ index: Int) -> ArraySlice<Double> {
        inputs[index * inputWidth..<(index + 1) * inputWidth]
    }

    /// The target values of sample `index`.
    public func target(_ index: Int) -> ArraySlice<Double> {
        targets[index * targetWidth..<(index + 1) * targetWidth]
    }
}

/// The number of samples in each split of a task.
public struct SplitSizes: Sendable, Hashable {
    /// Samples in the training split.
    public var train: Int
    /// Samples in the validation split.
    public var validation: Int
    /// Samples in the test split.
    public var test: Int
    /// When set, a generator of independent samples draws only the window's samples, and the
    /// other splits are empty, so that an export can stream a task too large to hold in memory;
    /// the sizes still say how many samples the whole task has.
    package var window: SampleWindow?

    /// Creates split sizes.
    ///
    /// - Parameters:
    ///   - train: Samples in the training split.
    ///   - validation: Samples in the validation split.
    ///   - test: Samples in the test split.
    public init(train: Int, validation: Int, test: Int) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// The size of the named split.
    public subscript(name: SplitName) -> Int {
        switch name {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }
}

extension Split {
    /// The same samples under another split's name.
    public func renamed(_ name: SplitName) -> Split {
        Split(name: name, inputShape: inputShape, targetShape: targetShape, inputs: inputs, targets: targets)
    }
}

/// Samples `range` of one split: what an export that streams asks a generator for.
package struct SampleWindow: Sendable, Hashable {
    /// The split drawn from.
    package var split: SplitName
    /// The sample indices drawn, clamped to the split's size.
    package var range: Range<Int>

    /// Creates a window.
    package init(split: SplitName, range: Range<Int>) {
        self.split = split
        self.range = range
    }
}
