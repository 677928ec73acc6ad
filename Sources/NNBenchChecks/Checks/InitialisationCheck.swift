import Foundation
import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Initialisation: the same seed gives the same weights and another seed others; no weight tensor
/// is all zeros or has two identical units (the symmetry would never break); each weight tensor's
/// scale is near its initialiser's; and the loss at initialisation is near the expected value.
///
/// The expected initial loss is the task's `expectedInitialLoss`: ln C for C classes (also on
/// `imbalanced`), ln 2 for a binary task, the mean of y² for regression. A fresh network's logits are
/// near zero, so its predicted distribution is near uniform and its loss near ln C; the entropy of the
/// priors is the loss of the best *constant* prediction, which a trained model must beat, not what an
/// untrained one shows. The bound is a factor 2 either way for classification (a fresh network's
/// logits are not exactly zero, but a loss summed over the batch or a scale 10× too large is further
/// off), and up to ×3 for regression, where the fresh output's own variance adds to the mean of y².
struct InitialisationCheck: Check {
    let name = "init"
    let summary = "deterministic seeded weights, no zero or symmetric tensors, the initialiser's scale, the expected initial loss"
    let requiredOps: [ModelOp] = []
    /// Tensors with fewer values are not scale-checked: their RMS is too noisy.
    static let scaleMinimumCount = 16
    /// The allowed ratio of measured to expected RMS (and its inverse). With 16 values the sample
    /// RMS of a normal initialiser falls below 1/3 of σ with probability about 1e-6.
    static let scaleRatio = 3.0
    /// How far below the expected initial loss a correct model may start (a factor).
    static let lossBelow = 2.0
    /// How far above: a factor 2 for classification, 3 for regression, where the fresh output's
    /// own variance adds to the mean of y².
    static func lossAbove(_ loss: Loss) -> Double { loss == .mse ? 3 : 2 }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let model = context.model
        let order = try context.build().filter(\.trainable).map(\.name)
        let first = try model.parameters()
        try context.build()
        let again = try model.parameters()
        if let name = order.first(where: { first[$0] != again[$0] }) {
            return .failed("\(name) differs", bound: "identical", "two builds with seed \(context.seed) give different \(name)", .initNotDeterministic)
        }
        try context.build(seed: context.seed &+ 1)
        let other = try model.parameters()
        let weights = order.filter { (first[$0]?.shape.count ?? 0) >= 2 }
        if !weights.isEmpty && weights.allSatisfy({ first[$0] == other[$0] }) {
            return .failed("equal weights", bound: "different", "seeds \(context.seed) and \(context.seed &+ 1) give the same weights: the seed is ignored", .initNotDeterministic)
        }
        var worstScale = (ratio: 1.0, name: "")
        for name in weights {
            let tensor = first[name]!
            if tensor.scalars.allSatisfy({ $0 == 0 }) {
                return .failed("\(name) all zero", bound: "not all zero", "\(context.describe(parameter: name)) is all zeros", .initDegenerate)
            }
            if let (a, b) = Self.identicalUnits(tensor) {
                return .failed("units \(a) and \(b) equal", bound: "distinct units", "\(context.describe(parameter: name)): units \(a) and \(b) have identical weights; they will stay identical", .initDegenerate)
            }
            guard tensor.count >= Self.scaleMinimumCount, let expected = expectedDeviation(name, tensor.shape, context) else { continue }
            let rms = (tensor.scalars.reduce(0) { $0 + $1 * $1 } / Double(tensor.count)).squareRoot()
            let ratio = rms / expected
            if Swift.abs(Foundation.log(ratio)) > Swift.abs(Foundation.log(worstScale.ratio)) { worstScale = (ratio, name) }
        }
        let scaleBound = "RMS/expected in [1/\(short(Self.scaleRatio)), \(short(Self.scaleRatio))]"
        if worstScale.ratio > Self.scaleRatio || worstScale.ratio < 1 / Self.scaleRatio {
            return .failed("RMS ratio \(short(worstScale.ratio))", bound: scaleBound, "\(context.describe(parameter: worstScale.name)) has \(short(worstScale.ratio))× its initialiser's scale", .initScale)
        }
        try context.build()
        let batch = context.batch(256)
        let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let expected = context.task.expectedInitialLoss
        let figure = "loss \(short(loss)), expected \(short(expected))"
        let above = Self.lossAbove(context.loss)
        let lossBound = "in [×1/\(short(Self.lossBelow)), ×\(short(above))]"
        let notes = ["worst weight scale \(short(worstScale.ratio))× (\(scaleBound))"]
        guard loss.isFinite, loss <= above * expected, loss >= expected / Self.lossBelow else {
            return .failed(figure, bound: lossBound, "the initial loss \(short(loss)) is far from \(short(expected)) (\(expectedName(context)))", .initialLoss, notes: notes)
        }
        return .passed(figure, bound: lossBound, notes: notes)
    }

    private func expectedName(_ context: CheckContext) -> String {
        switch context.task.kind {
        case .multiclass(let classes): "ln \(classes), uniform outputs"
        case .binary: "ln 2"
        case .regression: "the mean of y²"
        }
    }

    /// The standard deviation the layer's initialiser gives this weight.
    private func expectedDeviation(_ name: String, _ shape: [Int], _ context: CheckContext) -> Double? {
        guard let index = Int(name.prefix { $0 != "." }), context.layers.indices.contains(index) else { return nil }
        let initializer: Initializer
        switch context.layers[index] {
        case .dense(_, _, let chosen), .conv2d(_, _, _, _, _, let chosen): initializer = chosen
        default: return nil
        }
        let fans = Initializer.fans(ofWeightShape: shape)
        switch initializer.distribution(fanIn: fans.fanIn, fanOut: fans.fanOut) {
        case .uniform(let bound): return bound / 3.0.squareRoot()
        case .normal(let deviation): return deviation
        case .constant: return nil
        }
    }

    /// Two units with identical weights: columns of a dense `[in, units]`, filters of a conv weight.
    static func identicalUnits(_ tensor: Tensor<Double>) -> (Int, Int)? {
        let units = tensor.shape.count == 2 ? tensor.shape[1] : tensor.shape[0]
        guard units >= 2 else { return nil }
        let size = tensor.count / units
        func unit(_ u: Int) -> [Double] {
            tensor.shape.count == 2
                ? (0..<size).map { tensor.scalars[$0 * units + u] }
                : Array(tensor.scalars[u * size..<(u + 1) * size])
        }
        var seen: [[Double]: Int] = [:]
        for u in 0..<units {
            if let previous = seen[unit(u)] { return (previous, u) }
            seen[unit(u)] = u
        }
        return nil
    }
}
