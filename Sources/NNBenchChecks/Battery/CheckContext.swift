import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// What a check works on: the model under test, what it said of itself, the architecture and
/// task it is checked on, and the seed.
struct CheckContext {
    let model: any CheckableModel
    let info: ModelInfo
    /// The user's architecture on the task's inputs.
    let modelSpec: ModelSpec
    let task: LearningTask
    let seed: UInt64

    var precision: Precision { info.precision }
    var loss: Loss { task.loss }
    var layers: [LayerSpec] { modelSpec.architecture.layers }

    /// Builds the user's architecture in the model under test with the check's seed (or another).
    @discardableResult
    func build(seed: UInt64? = nil) throws(ModelError) -> [ParameterShape] {
        try model.build(modelSpec, loss: loss, seed: seed ?? self.seed)
    }

    /// The first `count` training samples (fewer when the split is smaller).
    func batch(_ count: Int) -> (inputs: Tensor<Double>, targets: Tensor<Double>) {
        Self.batch(from: task.train, count: count)
    }

    /// The first `count` samples of a split as protocol tensors.
    static func batch(from split: Split, count: Int) -> (inputs: Tensor<Double>, targets: Tensor<Double>) {
        let n = Swift.min(count, split.count)
        let inputs = Tensor(shape: [n] + split.inputShape, scalars: Array(split.inputs[0..<n * split.inputWidth]))
        let targets = Tensor(shape: [n] + split.targetShape, scalars: Array(split.targets[0..<n * split.targetWidth]))
        return (inputs, targets)
    }

    /// The user's architecture with every layer's shapes.
    func resolved() throws(ModelError) -> ResolvedArchitecture {
        do { return try modelSpec.resolve(outputWidth: nil) } catch { throw .failed(.build, error.description) }
    }

    /// nnbench's reference engine in Double with the same architecture and loss, holding
    /// `parameters` (the model's own), for layer-by-layer comparison.
    func reference(holding parameters: [String: Tensor<Double>]) throws(ModelError) -> Network<Double> {
        let network = Network<Double>(try resolved(), loss: loss, seed: seed)
        do { try network.setParameters(parameters) } catch { throw .failed(.getParams, error.description) }
        return network
    }

    /// Whether training mode computes a different function from evaluation (dropout, batchnorm).
    var trainsDifferently: Bool {
        layers.contains { switch $0 { case .dropout, .batchNorm: true; default: false } }
    }

    /// Whether the model offers an optimizer: as its `hello` lists, or, when it does not list
    /// them, every one of its protocol version's.
    func offers(_ optimizer: OptimizerSpec) -> Bool {
        info.optimizers.map { $0.contains(optimizer.name) } ?? (info.version >= 2 || ModelInfo.version1Optimizers.contains(optimizer.name))
    }

    /// The optimizer a training check uses: the first of `choices` the model offers, or `nil`.
    func optimizer(_ choices: [OptimizerSpec]) -> OptimizerSpec? {
        choices.first(where: offers)
    }

    /// Whether the model says it can build every layer type of `layers`.
    func supports(_ layers: [LayerSpec]) -> Bool {
        guard let types = info.layerTypes else { return true }
        return layers.allSatisfy { types.contains($0.name) }
    }

    /// The index of the last layer with a bias, and the bias's name, for steering the logits.
    var lastBias: (layer: Int, name: String)? {
        guard let index = layers.lastIndex(where: { if case .dense(_, true, _) = $0 { true } else { false } }) else { return nil }
        return (index, "\(index).bias")
    }
}
