import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

extension ProtocolConformance {
    /// What a conformance run builds and sends, chosen from what the program's `hello` offers
    /// (its `layers`, `losses` and `optimizers`, or every one of its version's when it gives no
    /// list), so that a program offering little is still driven through every op: a request for
    /// something it does not offer would be declined, and every later op left unchecked.
    struct Plan {
        /// The network: dense layers (convolutions when the program builds no dense layer) with
        /// the batchnorm, an activation and the dropout the program builds, since buffers and
        /// masks have rules of their own.
        let model: ModelSpec
        let loss: Loss
        /// Four samples and their targets, shaped for ``loss``.
        let x: Tensor<Double>
        let y: Tensor<Double>
        /// The optimizer of the training-mode `step`, then that of the evaluation-mode `step`
        /// with a trace: two types when the program offers two; empty when it offers none.
        let optimizers: [OptimizerSpec]
        /// For a program that lists the op `initial_state` and a recurrent layer: one recurrent
        /// layer (lstm, else gru, else rnn) of the loss's outputs, last step only, on inputs
        /// `[3 steps, 2 features]`, and four samples; `nil` otherwise.
        let recurrent: (model: ModelSpec, x: Tensor<Double>, units: Int)?

        /// Why no network can be built from what `hello` offers.
        struct Unbuildable: Error {
            let reason: String
        }

        /// The plan for a program.
        ///
        /// - Throws: ``Unbuildable`` when `hello` lists no loss nnbench knows, or no layer with
        ///   parameters that it can build a network of.
        init(for info: ModelInfo) throws(Unbuildable) {
            let version1 = info.version < 2
            let layerTypes = Self.offered(info.layerTypes, defined: version1 ? ModelInfo.version1LayerTypes : Set(LayerSpec.typeNames))
            let optimizerTypes = Self.offered(info.optimizers, defined: version1 ? ModelInfo.version1Optimizers : Set(OptimizerSpec.typeNames))
            // Softmax cross-entropy first: its targets (class indices, [n]) are the ones a program most often gets wrong.
            let losses = info.losses ?? Set(Loss.allCases)
            guard let loss = [Loss.softmaxCrossEntropy, .mse, .bceLogits].first(where: losses.contains) else {
                throw Unbuildable(reason: "its hello lists no loss nnbench knows (the protocol's: mse, bce_logits, softmax_ce)")
            }
            let outputs = switch loss {
            case .softmaxCrossEntropy: 3
            case .mse: 2
            case .bceLogits: 1
            }
            var middle: [LayerSpec] = []
            if layerTypes.contains("batchnorm") { middle.append(.batchNorm()) }
            let activations: [(String, LayerSpec)] = [
                ("tanh", .tanh), ("relu", .relu), ("sigmoid", .sigmoid), ("leaky_relu", .leakyReLU()), ("gelu", .gelu),
                ("softplus", .softplus), ("identity", .identity),
            ]
            if let activation = activations.first(where: { layerTypes.contains($0.0) }) { middle.append(activation.1) }
            if layerTypes.contains("dropout") { middle.append(.dropout(rate: 0.5)) }
            let inputShape: [Int], layers: [LayerSpec]
            if layerTypes.contains("dense") {
                inputShape = [3]
                layers = [.dense(units: 5)] + middle + [.dense(units: outputs)]
            } else if layerTypes.contains("conv2d"), layerTypes.contains("flatten") {
                // [1, 4, 4] → [2, 2, 2] → [outputs, 1, 1] → [outputs].
                inputShape = [1, 4, 4]
                layers = [.conv2d(filters: 2, kernel: 3)] + middle + [.conv2d(filters: outputs, kernel: 2), .flatten]
            } else {
                throw Unbuildable(reason: "its hello lists no layer nnbench can build a network with parameters of: dense, or conv2d and flatten"
                    + " (it lists \(layerTypes.isEmpty ? "none nnbench knows" : layerTypes.sorted().joined(separator: ", ")))")
            }
            model = ModelSpec(inputShape: inputShape, architecture: ArchitectureSpec(layers))
            self.loss = loss
            let features = inputShape.reduce(1, *)
            x = Tensor(shape: [4] + inputShape, scalars: (0..<(4 * features)).map { Double($0 % 5) / 4 - 0.5 })
            y = switch loss {
            case .softmaxCrossEntropy: Tensor(shape: [4], scalars: [0, 1, 2, 1])
            case .mse: Tensor(shape: [4, 2], scalars: [0.5, -0.25, 1, 0, -0.5, 0.75, 0.25, -1])
            case .bceLogits: Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])
            }
            let cell: LayerSpec? = if layerTypes.contains("lstm") { .lstm(units: outputs, sequence: false) }
                else if layerTypes.contains("gru") { .gru(units: outputs, sequence: false) }
                else if layerTypes.contains("rnn") { .rnn(units: outputs, sequence: false) } else { nil }
            recurrent = if let cell, info.ops.contains(.initialState) {
                (ModelSpec(inputShape: [3, 2], architecture: ArchitectureSpec([cell])),
                 Tensor(shape: [4, 3, 2], scalars: (0..<24).map { Double($0 % 7) / 6 - 0.5 }), outputs)
            } else { nil }
            let choices: [OptimizerSpec] = [.sgd(learningRate: 0.1), .adam(learningRate: 0.01), .adamW(learningRate: 0.01), .rmsprop(learningRate: 0.01)]
            optimizers = Array(choices.filter { optimizerTypes.contains($0.name) }.prefix(2))
        }

        /// What the program offers of the types its version defines: its list, or all of them.
        private static func offered(_ listed: Set<String>?, defined: Set<String>) -> Set<String> {
            (listed ?? defined).intersection(defined)
        }

        /// The model and loss in words, for a refused `build`.
        var description: String {
            "\(model.architecture) on \(model.inputShape.count == 1 ? "\(model.inputShape[0]) inputs" : "inputs \(model.inputShape)"), loss \(loss.rawValue)"
        }
    }
}
