import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Remove the hidden layers and see whether it still learns: on `xor`, the architecture (its last
/// layer narrowed to one output) must beat the known bound of a model without hidden layers
/// (75 %), and its ablation to the last dense layer alone must not. A network that does no better
/// than its linear ablation is flagged; an ablation above the bound means the evaluation leaks.
struct AblationCheck: Check {
    let name = "ablation"
    let summary = "on xor, the hidden layers beat the linear bound (75 %) and the network without them does not"
    let requiredOps: [ModelOp] = [.step]
    static let steps = 500
    static let optimizer = OptimizerSpec.adam(learningRate: 0.05)

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        guard context.modelSpec.inputShape.count == 1,
              case .dense(_, let bias, let initializer)? = context.layers.last,
              context.layers.dropLast().contains(where: { if case .dense = $0 { true } else { false } }) else {
            return .skipped("needs a flat architecture with a hidden dense layer and a dense last layer")
        }
        let xor = try! Generators.xor()
        let bound = xor.answer.linearBound!
        let batch = CheckContext.batch(from: xor.train, count: 4)
        let last = LayerSpec.dense(units: 1, bias: bias, initializer: initializer)
        func accuracy(_ layers: [LayerSpec]) throws(ModelError) -> Double {
            _ = try context.model.build(ModelSpec(inputShape: [2], architecture: ArchitectureSpec(layers)), loss: .bceLogits, seed: context.seed)
            try ModelTraining.train(context.model, on: batch, optimizer: Self.optimizer, steps: Self.steps)
            return try ModelTraining.accuracy(context.model, on: batch)
        }
        let full = try accuracy(context.layers.dropLast() + [last])
        let ablated = try accuracy([last])
        let figure = "\(Int(100 * full)) % vs \(Int(100 * ablated)) % ablated"
        let boundText = "> \(Int(100 * bound)) % ≥ ablated"
        if ablated > bound {
            return .failed(figure, bound: boundText, "without hidden layers it scores \(Int(100 * ablated)) % on xor, above the \(Int(100 * bound)) % no linear model can exceed", .noBetterThanAblation)
        }
        guard full > bound else {
            return .failed(figure, bound: boundText, "with its hidden layers it scores \(Int(100 * full)) % on xor after \(Self.steps) steps, no better than without them", .noBetterThanAblation)
        }
        return .passed(figure, bound: boundText)
    }
}
