import Foundation
import NNBenchEngine
import Testing
import NNBenchDatasets

/// PyTorch's float64 answers for the engine's layers, losses and optimizer steps:
/// `Golden/torch_golden.json`, written by `python3 scripts/torch_golden.py` (torch 2.13.0+cpu;
/// the file's `meta` records the versions). The file is committed, so these tests need no torch.
///
/// Tensors are in the engine's layouts (a dense weight is `[inputs, units]`, the transpose of
/// `nn.Linear.weight`), parameters named as in a one-layer network (`0.weight`).
enum TorchGolden {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/torch_golden.json")

    /// The decoded file, or why it could not be read: ``GoldenFileTests`` fails on the error, and
    /// the parameterised tests then have no arguments.
    static let loaded = Result { try JSONDecoder().decode(File.self, from: Data(contentsOf: url)) }

    static var file: File? { try? loaded.get() }

    /// The error of a result as the tests measure it: `max |actual − expected| / max |expected|`
    /// over the tensor, infinite when the counts differ.
    ///
    /// Relative to the tensor's largest value rather than value by value, because values that come
    /// out of a cancellation (GELU's `1 + erf(x/√2)` far left of 0, batchnorm's input gradient,
    /// a convolution's sum near 0) carry an absolute error of a few ulps of the values they were
    /// computed from, not of their own.
    static func relativeError(_ actual: [Double], _ expected: [Double]) -> Double {
        guard actual.count == expected.count else { return .infinity }
        let scale = expected.map(abs).max() ?? 0
        let difference = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        return difference == 0 ? 0 : difference / max(scale, .leastNormalMagnitude)
    }

    /// The decoded file.
    struct File: Decodable, Sendable {
        let meta: [String: String]
        let layers: [LayerCase]
        let dropout: [DropoutCase]
        let losses: [LossCase]
        let optimizers: [OptimizerCase]
    }

    /// `{"shape": [...], "values": [...]}`, row-major.
    struct TensorRecord: Decodable, Sendable {
        let shape: [Int]
        let values: [Double]

        var tensor: Tensor<Double> { Tensor(shape: shape, scalars: values) }
    }

    /// One layer's forward and backward pass: torch's output, input gradient and parameter
    /// gradients for `outputGradient`, and the state (running statistics) after the forward pass.
    struct LayerCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let spec: String
        let training: Bool
        let input: TensorRecord
        let parameters: [String: TensorRecord]
        let state: [String: TensorRecord]
        let output: TensorRecord
        let outputGradient: TensorRecord
        let inputGradient: TensorRecord
        let parameterGradients: [String: TensorRecord]
        let stateAfter: [String: TensorRecord]

        enum CodingKeys: String, CodingKey {
            case name, spec, training, input, parameters, state, output
            case outputGradient = "output_gradient", inputGradient = "input_gradient"
            case parameterGradients = "parameter_gradients", stateAfter = "state_after"
        }

        var testDescription: String { "\(name): \(spec)" }
    }

    /// Dropout in training: torch's masks are not the engine's, so only torch's multiplier of a
    /// kept value (`1/(1 − p)` as torch rounds it) is golden; the engine's own mask is applied.
    struct DropoutCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let spec: String
        let keptMultiplier: Double
        let input: TensorRecord
        let outputGradient: TensorRecord

        enum CodingKeys: String, CodingKey {
            case name, spec, input
            case keptMultiplier = "kept_multiplier", outputGradient = "output_gradient"
        }

        var testDescription: String { name }
    }

    /// A mean loss and its gradient with respect to the predictions; `softmax_ce` targets are
    /// class indices, one per sample.
    struct LossCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let loss: String
        let predictions: TensorRecord
        let targets: TensorRecord
        let value: Double
        let gradient: TensorRecord

        var testDescription: String { name }
    }

    /// Optimizer steps from `start`, each with its learning rate and the gradients torch was given
    /// as `.grad`, and torch's parameters after it.
    struct OptimizerCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        /// The protocol's JSON object, `{"type": "adam", "lr": 0.1, ...}`, every option written,
        /// read by the engine's own reader of it.
        let optimizer: OptimizerSpec
        let start: [String: TensorRecord]
        let steps: [Step]

        struct Step: Decodable, Sendable {
            let lr: Double
            let gradients: [String: TensorRecord]
            let parameters: [String: TensorRecord]
        }

        var testDescription: String { name }
    }
}

/// The golden file itself: that it is there, and that it covers every layer, loss and optimizer.
@Suite("PyTorch golden file")
struct GoldenFileTests {
    @Test func coversEveryLayerLossAndOptimizer() throws {
        let file = try TorchGolden.loaded.get()
        #expect(file.meta["command"] == "python3 scripts/torch_golden.py")
        let layerNames = try Set(file.layers.map(\.spec) + file.dropout.map(\.spec)).map { spec in
            try ArchitectureSpec(parsing: spec).layers[0].name
        }
        #expect(Set(layerNames) == [
            "dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "softplus", "gelu", "dropout", "batchnorm",
            "conv2d", "maxpool2d", "avgpool2d", "flatten",
        ])
        #expect(Set(file.losses.map(\.loss)) == Set(Loss.allCases.map(\.rawValue)))
        #expect(Set(file.optimizers.map(\.optimizer.name)) == ["sgd", "adam", "adamw", "rmsprop"])
    }
}
