import NNBenchDatasets
import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// A small task and architecture on which the battery runs for the bug × check matrix: together
/// the showcases exercise every layer, loss and optimizer path a ``Fault`` can break.
public struct Showcase: Sendable {
    /// A short name: `mlp`, `sigmoid`, `regression`, `image`.
    public let name: String
    /// The architecture.
    public let architecture: String
    /// Makes the task (cheap: small splits).
    public let makeTask: @Sendable () -> LearningTask

    /// Every showcase.
    public static let all: [Showcase] = [
        Showcase(name: "mlp", architecture: "dense(8) tanh dense(8) relu dense(3)") {
            try! Generators.memorize(points: 8, features: 4, classes: 3)
        },
        Showcase(name: "sigmoid", architecture: "dense(8) sigmoid dense(1)") {
            try! Generators.xor(sizes: SplitSizes(train: 64, validation: 4, test: 4), noise: 0.1)
        },
        Showcase(name: "regression", architecture: "dense(8) tanh dense(1)") {
            try! Generators.sum(sizes: SplitSizes(train: 64, validation: 4, test: 4))
        },
        Showcase(name: "image", architecture: "conv2d(2, kernel: 3) relu maxpool2d(2) flatten dropout(0.25) batchnorm dense(1)") {
            try! Generators.barsStripes(sizes: SplitSizes(train: 64, validation: 4, test: 4), size: 6)
        },
    ]

    /// The showcase on which a fault's code runs.
    public static func showcase(for fault: Fault) -> Showcase {
        let name = switch fault {
        case .sigmoidDerivativeOfInput, .bceUnstable: "sigmoid"
        case .mseGradientMissingFactor2: "regression"
        case .convKernelFlipped, .maxpoolGradientToWindow, .dropoutNotInverted, .dropoutInEvaluation,
             .batchnormBatchStatisticsInEvaluation: "image"
        default: "mlp"
        }
        return all.first { $0.name == name }!
    }

    /// Runs the battery on the engine (Float or Double), with an injected fault or none.
    public func run(precision: Precision, fault: Fault? = nil, seed: UInt64 = 0, only: Set<String>? = nil) -> [CheckResult] {
        let model: any CheckableModel = precision == .float32 ? EngineModel<Float>(fault: fault) : EngineModel<Double>(fault: fault)
        return CheckBattery.run(
            model: model, architecture: try! ArchitectureSpec(parsing: architecture), task: makeTask(), seed: seed, only: only)
    }
}
