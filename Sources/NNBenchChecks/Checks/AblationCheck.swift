import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Remove the hidden layers and see whether it still learns: on `xor`, the architecture (its last
/// layer narrowed to one output) must beat the known bound of a model without hidden layers
/// (75 %), and its ablation to the last dense layer alone must not. A network that does no better
/// than its linear ablation is flagged; an ablation above the bound means the evaluation leaks.
///
/// An architecture may not solve xor in the steps given (a seed whose ReLUs start dead, a width
/// too small for the data's scale): when the model misses, nnbench's reference engine is trained
/// the same way from the model's own initial weights, and if it misses too the check passes with
/// a note. A model that declines to build these models (a layer type or `bce_logits` it does not
/// offer) skips the check.
struct AblationCheck: Check {
    let name = "ablation"
    let summary = "on xor, the hidden layers beat the linear bound (75 %) and the network without them does not"
    let requiredOps: [ModelOp] = [.step]
    static let steps = 500
    static let optimizer = OptimizerSpec.adam(learningRate: 0.05)

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        // Token sequences ([n, steps] indices) are flat too, but xor's two real inputs are no
        // sequence: an embedding or a recurrent layer cannot be rebuilt on them.
        guard context.modelSpec.inputShape.count == 1,
              !context.layers.contains(where: { if case .embedding = $0 { true } else { $0.isRecurrent } }),
              case .dense(_, let bias, let initializer)? = context.layers.last,
              context.layers.dropLast().contains(where: { if case .dense = $0 { true } else { false } }) else {
            return .skipped("needs a flat architecture (no embedding, no recurrent layer) with a hidden dense layer and a dense last layer")
        }
        if let losses = context.info.losses, !losses.contains(.bceLogits) {
            return .skipped("the model does not offer bce_logits, which xor needs")
        }
        let xor = try! Generators.xor()
        let bound = xor.answer.linearBound!
        let batch = CheckContext.batch(from: xor.train, count: 4)
        let last = LayerSpec.dense(units: 1, bias: bias, initializer: initializer)
        /// The accuracy after training, and the model's initial weights; `nil` when it declines the model.
        func train(_ layers: [LayerSpec]) throws(ModelError) -> (accuracy: Double, weights: [String: Tensor<Double>])? {
            do {
                _ = try context.model.build(ModelSpec(inputShape: [2], architecture: ArchitectureSpec(layers)), loss: .bceLogits, seed: context.seed)
            } catch let error where error.isNotRun {
                throw error
            } catch .failed(.build, _) {
                return nil
            }
            let weights = try context.model.parameters()
            try ModelTraining.train(context.model, on: batch, optimizer: Self.optimizer, steps: Self.steps)
            return (try ModelTraining.accuracy(context.model, on: batch), weights)
        }
        let fullLayers = context.layers.dropLast() + [last]
        guard let full = try train(Array(fullLayers)), let ablated = try train([last]) else {
            return .skipped("the model declined to build \(ArchitectureSpec(Array(fullLayers))) or dense(1) with bce_logits")
        }
        let figure = "\(Int(100 * full.accuracy)) % vs \(Int(100 * ablated.accuracy)) % ablated"
        let boundText = "> \(Int(100 * bound)) % ≥ ablated"
        if ablated.accuracy > bound {
            return .failed(
                figure, bound: boundText,
                "without hidden layers it scores \(Int(100 * ablated.accuracy)) % on xor, above the \(Int(100 * bound)) % no linear model can exceed",
                .noBetterThanAblation)
        }
        guard full.accuracy > bound else {
            let reference = referenceAccuracy(Array(fullLayers), weights: full.weights, batch: batch)
            if reference <= bound {
                // The bound printed says why this figure passes: the reference fails it too.
                return .passed(
                    figure, bound: "\(boundText), unless the reference engine also stays ≤ \(Int(100 * bound)) % (it reaches \(Int(100 * reference)) %)",
                    notes: ["from the same weights the reference engine does no better (\(Int(100 * reference)) %): the architecture does not solve xor in \(Self.steps) steps"])
            }
            return .failed(
                figure, bound: boundText,
                "with its hidden layers it scores \(Int(100 * full.accuracy)) % on xor after \(Self.steps) steps, no better than without them; from the same weights the reference engine reaches \(Int(100 * reference)) %",
                .noBetterThanAblation)
        }
        return .passed(figure, bound: boundText)
    }

    /// The reference engine's accuracy on the batch after the same training from `weights`.
    private func referenceAccuracy(_ layers: [LayerSpec], weights: [String: Tensor<Double>], batch: (inputs: Tensor<Double>, targets: Tensor<Double>)) -> Double {
        // The architecture resolved for the model already.
        let resolved = try! ArchitectureSpec(layers).resolve(inputShape: [2], outputWidth: 1)
        let network = Network<Double>(resolved, loss: .bceLogits, seed: 0)
        guard (try? network.setParameters(weights)) != nil else { return 0 }
        let optimizer = NetworkOptimizer(Self.optimizer, network: network)
        for _ in 0..<Self.steps { optimizer.step(inputs: batch.inputs, targets: batch.targets) }
        return ModelTraining.accuracy(network.forward(batch.inputs), targets: batch.targets)
    }
}
