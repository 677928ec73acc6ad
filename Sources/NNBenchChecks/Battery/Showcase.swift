import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// A small task and architecture on which the battery runs for the bug × check matrix: together
/// the showcases exercise every layer, loss and optimizer path a ``Fault`` can break.
public struct Showcase: Sendable {
    /// A short name: `mlp`, `sigmoid`, `regression`, `activations`, `image`, `strided`.
    public let name: String
    /// The architecture.
    public let architecture: String
    /// Makes the task (cheap: small splits).
    public let makeTask: @Sendable () -> LearningTask

    /// Every showcase: together they cover every layer type and variant of the model protocol
    /// (`docs/protocol.md`) and its three losses, each on a task where it matters. They are the
    /// architectures `nnbench check --exec` checks a program on when no `--arch` is given, and the
    /// ones `--self-test` sweeps on the engine.
    ///
    /// - `mlp`: dense, tanh, relu; softmax cross-entropy on a memorised batch.
    /// - `sigmoid`: a sigmoid hidden layer; binary cross-entropy on xor.
    /// - `regression`: mean squared error on a linear map with three outputs, through two hidden
    ///   layers: every hidden value feeds several units, so that a program offering only mse gets
    ///   an architecture where an autograd engine's per-path bugs show; the showcase of the
    ///   input-independent baseline, whose task must beat chance.
    /// - `activations`: leaky_relu, gelu, softplus and identity between dense layers, batchnorm on
    ///   features; softmax cross-entropy.
    /// - `image`: conv2d, relu, non-overlapping max pooling, flatten, dropout; bars-stripes (every
    ///   layer of it is version 1's, so a version 1 program gets its image layers checked too).
    /// - `strided`: a padded conv2d of stride 2, batchnorm over channels, overlapping max and
    ///   average pooling; bars-stripes.
    public static let all: [Showcase] = [
        Showcase(name: "mlp", architecture: "dense(8) tanh dense(8) relu dense(3)") {
            try! Generators.memorize(points: 8, features: 4, classes: 3)
        },
        Showcase(name: "sigmoid", architecture: "dense(8) sigmoid dense(1)") {
            try! Generators.xor(sizes: SplitSizes(train: 64, validation: 4, test: 4), noise: 0.1)
        },
        Showcase(name: "regression", architecture: "dense(8) tanh dense(8) relu dense(3)") {
            // 64 validation samples: the input-independent baseline's standard error needs them.
            try! Generators.linear(sizes: SplitSizes(train: 64, validation: 64, test: 4), inputs: 4)
        },
        Showcase(name: "activations", architecture: "dense(8) leaky_relu(0.1) dense(8) batchnorm gelu dense(8) softplus identity dense(3)") {
            try! Generators.memorize(points: 8, features: 4, classes: 3)
        },
        Showcase(name: "image", architecture: "conv2d(2, kernel: 3) relu maxpool2d(2) flatten dropout(0.25) dense(1)") {
            try! Generators.barsStripes(sizes: SplitSizes(train: 64, validation: 4, test: 4), size: 6)
        },
        Showcase(
            name: "strided",
            architecture: "conv2d(3, kernel: 3, stride: 2, padding: 1) batchnorm relu maxpool2d(2, stride: 1) avgpool2d(2, stride: 1) flatten dense(1)"
        ) {
            try! Generators.barsStripes(sizes: SplitSizes(train: 64, validation: 4, test: 4), size: 8)
        },
    ]

    /// The recurrent showcases, for the recurrent layers' bugs and the self-test: on `parity`'s
    /// bit strings read as tokens through an embedding, so that every step feeds the answer.
    /// Apart from ``all``, which `--exec` programs without recurrent layers are checked on.
    ///
    /// - `rnn`: an Elman rnn (tanh) over the 4 steps, its last state read by a dense layer.
    /// - `lstm`: an LSTM with `forget_bias: 1` (the spec sets its forget block, which the `init`
    ///   check compares), likewise.
    /// - `gru`: a GRU, likewise.
    public static let recurrent: [Showcase] = [
        Showcase(name: "rnn", architecture: "embedding(2, 4) rnn(6, sequence: false) dense(1)") {
            try! Generators.parity(bits: 4)
        },
        Showcase(name: "lstm", architecture: "embedding(2, 4) lstm(6, sequence: false, forget_bias: 1) dense(1)") {
            try! Generators.parity(bits: 4)
        },
        Showcase(name: "gru", architecture: "embedding(2, 4) gru(6, sequence: false) dense(1)") {
            try! Generators.parity(bits: 4)
        },
    ]

    /// The showcase on which a fault's code runs.
    public static func showcase(for fault: Fault) -> Showcase {
        let name = switch fault {
        case .sigmoidDerivativeOfInput, .bceUnstable: "sigmoid"
        case .mseGradientMissingFactor2: "regression"
        case .convKernelFlipped, .maxpoolGradientToWindow, .maxpoolBackwardFirstWindowOnly, .dropoutNotInverted,
             .dropoutInEvaluation, .dropoutBackwardIgnoresMask:
            "image"
        // Only overlapping windows share a maximum, which the assignment loses.
        case .batchnormBatchStatisticsInEvaluation, .maxpoolBackwardAssigns, .batchnormGradientIgnoresStatistics: "strided"
        // The input-independent baseline needs a task whose known answer beats chance.
        case .trainingInputsZeroed, .trainingInputsOneBatchLate: "regression"
        case .bpttTruncatedToOneStep, .rnnWeightHHGradientUsesCurrentState, .rnnWeightHHGradientSkipsFirstStep: "rnn"
        case .lstmInputForgetGatesSwapped, .lstmCellGradientSkipsForgetGate, .lstmForgetBiasInBothBiases: "lstm"
        case .gruResetUpdateGatesSwapped, .gruUpdateGateReversed: "gru"
        default: "mlp"
        }
        return (all + recurrent).first { $0.name == name }!
    }

    /// Runs the battery on the engine (Float or Double), with an injected fault or none.
    public func run(precision: Precision, fault: Fault? = nil, seed: UInt64 = 0, only: Set<String>? = nil) -> [CheckResult] {
        run(on: precision == .float32 ? EngineModel<Float>(fault: fault) : EngineModel<Double>(fault: fault), seed: seed, only: only)
    }

    /// Runs the battery on any model.
    public func run(on model: any CheckableModel, seed: UInt64 = 0, only: Set<String>? = nil) -> [CheckResult] {
        CheckBattery.run(model: model, architecture: architectureSpec, task: makeTask(), seed: seed, only: only)
    }

    /// The architecture, parsed.
    public var architectureSpec: ArchitectureSpec {
        // Every showcase's architecture parses: the showcases' tests run them all.
        try! ArchitectureSpec(parsing: architecture)
    }
}

extension Showcase {
    /// Every catalogue task with its reference architecture at its defaults (`nnbench show TASK`),
    /// named after the task: the correct engine must pass the battery on each, as on ``all``.
    public static var catalogue: [Showcase] {
        TaskCatalogue.all.map { definition in
            // Every catalogue task generates at its defaults: the catalogue's tests make sure of it.
            let task = try! definition.makeTask()
            return Showcase(name: definition.name, architecture: task.reference.architecture) { task }
        }
    }
}
