import Foundation
import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Initialisation: the same seed gives the same weights and another seed others; no weight tensor
/// is all zeros or has two identical units (the symmetry would never break); each weight tensor's
/// scale is its initialiser's; and the loss at initialisation is one that initialisation gives.
///
/// Scale: a tensor's RMS against its initialiser's standard deviation, in log scale. For `n` values
/// drawn independently, the log of the sample RMS has a standard error of at most `√(1/(2n))` (the
/// normal's; the uniform's is smaller), so the bound is ``scaleSigmas`` of them: a scale 10× off is
/// caught from 16 values on, and a correct tensor is 10 standard errors from failing.
///
/// Initial loss: nnbench's reference engine builds the same architecture from ``lossSeeds``
/// seeds of its own and measures the loss of the same batch, which gives the distribution a
/// correct initialisation produces for this architecture and data (the input scale and the
/// initialisers' spread included). The model's loss must lie within ``lossSigmas`` standard
/// deviations of its mean (plus 1e-3 of it, for an architecture whose loss hardly depends on the
/// seed). A loss summed over the batch, or weights ten times too large, fall far outside.
struct InitialisationCheck: Check {
    let name = "init"
    let summary = "deterministic seeded weights, no zero or symmetric tensors, the initialiser's scale, a loss initialisation gives"
    let requiredOps: [ModelOp] = []
    /// Tensors with fewer values are not scale-checked: their RMS is too noisy.
    static let scaleMinimumCount = 16
    /// The bound on `|ln(RMS/σ)|`, in standard errors `√(1/(2n))`.
    static let scaleSigmas = 10.0
    /// The reference engine's seeds for the initial loss's distribution.
    static let lossSeeds = 24
    /// The bound on the initial loss's distance from the distribution's mean, in its standard deviations.
    static let lossSigmas = 8.0

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let model = context.model
        let order = try context.build().filter(\.trainable).map(\.name)
        let first = try model.parameters()
        try context.build()
        let again = try model.parameters()
        if let name = order.first(where: { first[$0] != again[$0] }) {
            return .failed("\(name) differs", bound: "identical", "two builds with seed \(context.seed) give different \(name)", .initNotDeterministic, at: .initialisation)
        }
        try context.build(seed: context.seed &+ 1)
        let other = try model.parameters()
        let weights = order.filter { (first[$0]?.shape.count ?? 0) >= 2 }
        if !weights.isEmpty && weights.allSatisfy({ first[$0] == other[$0] }) {
            return .failed("equal weights", bound: "different", "seeds \(context.seed) and \(context.seed &+ 1) give the same weights: the seed is ignored", .initNotDeterministic, at: .initialisation)
        }
        var worstScale = (load: 0.0, ratio: 1.0, name: "")
        for name in weights {
            let tensor = first[name]!
            if tensor.scalars.allSatisfy({ $0 == 0 }) {
                return .failed("\(name) all zero", bound: "not all zero", "\(context.describe(parameter: name)) is all zeros", .initDegenerate, at: .initialisation)
            }
            if let (a, b) = Self.identicalUnits(tensor) {
                return .failed("units \(a) and \(b) equal", bound: "distinct units", "\(context.describe(parameter: name)): units \(a) and \(b) have identical weights; they will stay identical", .initDegenerate, at: .initialisation)
            }
            guard tensor.count >= Self.scaleMinimumCount, let expected = expectedDeviation(name, tensor.shape, context) else { continue }
            let rms = (tensor.scalars.reduce(0) { $0 + $1 * $1 } / Double(tensor.count)).squareRoot()
            let load = Swift.abs(Foundation.log(rms / expected)) / (Self.scaleSigmas * (1 / (2 * Double(tensor.count))).squareRoot())
            if load > worstScale.load { worstScale = (load, rms / expected, name) }
        }
        if worstScale.load > 1 {
            return .failed(
                "RMS ratio \(short(worstScale.ratio))", bound: "within \(short(Self.scaleSigmas)) standard errors of 1",
                "\(context.describe(parameter: worstScale.name)) has \(short(worstScale.ratio))× its initialiser's scale", .initScale,
                load: worstScale.load, at: .initialisation)
        }
        try context.build()
        let batch = context.batch(256)
        let loss = try model.loss(inputs: batch.inputs, targets: batch.targets)
        let (mean, deviation) = try referenceLosses(context, batch: batch)
        let allowance = Self.lossSigmas * deviation + 1e-3 * Swift.abs(mean)
        let load = Swift.max(worstScale.load, Swift.abs(loss - mean) / allowance)
        let figure = "loss \(short(loss)), initialisation gives \(short(mean)) ± \(short(deviation))"
        let bound = "within \(short(Self.lossSigmas)) σ"
        let notes = [
            "worst weight scale \(short(worstScale.ratio))× (\(short(worstScale.load)) of its bound)",
            "the task's expected initial loss: \(short(context.task.expectedInitialLoss)) (\(expectedName(context)))",
        ]
        guard loss.isFinite, Swift.abs(loss - mean) <= allowance else {
            // The reference's loss at the model's own weights tells the two places apart: the same
            // value puts the bug in the weights drawn, another in the loss.
            let reference = try context.reference(holding: try model.parameters()).loss(inputs: batch.inputs, targets: batch.targets)
            let sameLoss = Swift.abs(reference - loss) <= Tolerances(precision: context.precision).reference * Swift.max(1, Swift.abs(reference))
            return .failed(
                figure, bound: bound,
                "the initial loss \(short(loss)) is \(short(Swift.abs(loss - mean) / Swift.max(deviation, .leastNormalMagnitude))) standard deviations from what \(Self.lossSeeds) initialisations of this architecture give (\(short(mean)) ± \(short(deviation)))",
                .initialLoss, load: load, notes: notes, at: sameLoss ? .initialisation : .loss)
        }
        return .passed(figure, bound: bound, load: load, notes: notes)
    }

    /// The mean and standard deviation of the reference engine's initial loss on `batch` over
    /// ``lossSeeds`` seeds of its own.
    private func referenceLosses(_ context: CheckContext, batch: (inputs: Tensor<Double>, targets: Tensor<Double>)) throws(ModelError) -> (Double, Double) {
        let resolved = try context.resolved()
        let losses = (0..<UInt64(Self.lossSeeds)).map { k in
            Network<Double>(resolved, loss: context.loss, seed: context.seed &+ 1_000 &+ k).loss(inputs: batch.inputs, targets: batch.targets)
        }
        let mean = losses.reduce(0, +) / Double(losses.count)
        let variance = losses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(losses.count - 1)
        return (mean, variance.squareRoot())
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
