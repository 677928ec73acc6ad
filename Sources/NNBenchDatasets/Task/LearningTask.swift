/// A generated task: its three splits and everything known about it.
///
/// This is the value every generator returns. Its name avoids `Task`, which would shadow Swift's
/// concurrency `Task` in every file that imports nnbench.
public struct LearningTask: Sendable {
    /// The catalogue name, e.g. `"moons"`.
    public let name: String
    /// The parameters it was generated with, defaults included, in catalogue order.
    public let parameters: [ParameterValue]
    /// The seed it was generated with.
    public let seed: UInt64
    /// What the model predicts.
    public let kind: TaskKind
    /// The shape of one input sample.
    public let inputShape: [Int]
    /// The training split.
    public let train: Split
    /// The validation split.
    public let validation: Split
    /// The test split.
    public let test: Split
    /// What is known of the task.
    public let answer: KnownAnswer
    /// The primary metric of a model that ignores its input (a constant prediction): the majority
    /// class's frequency for classification, the target variance (MSE of the mean) for regression.
    public let chanceLevel: Double
    /// The expected loss of a freshly initialised model whose outputs are near zero:
    /// `ln 2` for binary tasks, `ln C` for C classes, the mean of `y²` for regression.
    public let expectedInitialLoss: Double
    /// An architecture that solves the task, and what it reaches.
    public let reference: ReferenceSolution

    /// Creates a task. Generators call this; users get tasks from ``TaskCatalogue`` or ``Generators``.
    public init(
        name: String, parameters: [ParameterValue], seed: UInt64, kind: TaskKind, inputShape: [Int],
        train: Split, validation: Split, test: Split, answer: KnownAnswer, chanceLevel: Double,
        expectedInitialLoss: Double, reference: ReferenceSolution
    ) {
        self.name = name
        self.parameters = parameters
        self.seed = seed
        self.kind = kind
        self.inputShape = inputShape
        self.train = train
        self.validation = validation
        self.test = test
        self.answer = answer
        self.chanceLevel = chanceLevel
        self.expectedInitialLoss = expectedInitialLoss
        self.reference = reference
    }

    /// The loss the task is meant for.
    public var loss: Loss { kind.loss }

    /// The number of values the model's last layer must produce per sample, at each step for a
    /// task with per-step targets.
    public var outputWidth: Int { kind.outputWidth }

    /// The shape of one sample's target: ``TaskKind/targetShape``, or for a task with one target
    /// per time step (`copy-memory`) `[steps] + kind.targetShape`.
    public var targetShape: [Int] { train.targetShape }

    /// The shape of one sample of the model's output: `[outputWidth]`, or `[steps, outputWidth]`
    /// for a task with one target per step, whose loss averages over every (sample, step) pair
    /// (docs/protocol.md, "Losses").
    public var outputShape: [Int] { Array(targetShape.dropLast(kind.targetShape.count)) + [outputWidth] }

    /// The named split.
    public subscript(split: SplitName) -> Split {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }
}
