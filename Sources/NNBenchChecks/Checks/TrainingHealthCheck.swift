import NNBenchEngine
import NNBenchModel

/// Numerical health during a short training run (`steps` Adam steps at lr 1e-3 on batches of the
/// task): the first step and layer where a NaN or infinity appears; the gradient norms of the
/// first and last weight tensors (vanishing or exploding across depth); the fraction of dead ReLU
/// units and of saturated tanh and sigmoid values; and each weight tensor's update-to-weight ratio
/// `|Δw| / |w|`, about 1e-3 when healthy.
///
/// Bounds: depth ratio of gradient norms within [1e-3, 1e3]; at most half the ReLU units dead on a
/// batch; at most 40 % of tanh/sigmoid outputs within 0.01 of their limits; update ratios within
/// [1e-5, 1e-1] (Adam at lr 1e-3 moves each weight by about 1e-3, a few per cent of Glorot weights
/// of 0.1 to 1). Dead and saturated units need `trace`, the gradient ratio `gradients`.
struct TrainingHealthCheck: Check {
    let name = "health"
    let summary = "a short run: first NaN, gradient norms across depth, dead ReLUs, saturation, update-to-weight ratio"
    let requiredOps: [ModelOp] = [.step]
    static let steps = 30
    static let optimizer = OptimizerSpec.adam(learningRate: 1e-3)
    static let depthRatio = 1e-3...1e3
    static let deadFraction = 0.5
    static let saturatedFraction = 0.4
    static let updateRatio = 1e-5...1e-1

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().map(\.name)
        let model = context.model
        let data = context.batch(64)
        let size = Swift.min(16, data.inputs.shape[0])
        let weights = order.filter { name in
            guard let index = Int(name.prefix { $0 != "." }), context.layers.indices.contains(index) else { return false }
            switch context.layers[index] {
            case .dense, .conv2d: return name.hasSuffix(".weight")
            default: return false
            }
        }
        var notes: [String] = []
        var ratios: [String: [Double]] = [:]
        var previous = try model.parameters()
        let samples = data.inputs.shape[0]
        for step in 0..<Self.steps {
            let start = (step * size) % Swift.max(samples - size + 1, 1)
            let batch = (data.inputs.samples(start..<start + size), data.targets.samples(start..<start + size))
            let loss = try model.step(inputs: batch.0, targets: batch.1, optimizer: Self.optimizer)
            let current = try model.parameters()
            let broken = order.first { !(current[$0]?.allFinite ?? true) }
            if !loss.isFinite || broken != nil {
                let place = try firstNonFiniteLayer(context, inputs: batch.0).map { " first in \(context.describe(layer: $0))" } ?? ""
                let what = loss.isFinite ? "\(broken!) became non-finite" : "the loss is \(loss)"
                return .failed("non-finite at step \(step + 1)", bound: "finite", "at step \(step + 1) \(what);\(place)", .nonFinite)
            }
            for name in weights {
                let change = zip(current[name]!.scalars, previous[name]!.scalars).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                ratios[name, default: []].append(change.squareRoot() / previous[name]!.norm)
            }
            previous = current
        }
        for name in weights {
            let mean = ratios[name]!.reduce(0, +) / Double(ratios[name]!.count)
            guard Self.updateRatio.contains(mean) else {
                return .failed(
                    "update ratio \(short(mean)) (\(name))", bound: "in [\(short(Self.updateRatio.lowerBound)), \(short(Self.updateRatio.upperBound))]",
                    "\(context.describe(parameter: name)) moves by \(short(mean)) of its norm per step", .unhealthyTraining)
            }
        }
        let batch = (data.inputs.samples(0..<size), data.targets.samples(0..<size))
        if context.info.ops.contains(.gradients), let first = weights.first, let last = weights.last, first != last {
            let gradients = try model.gradients(inputs: batch.0, targets: batch.1).gradients
            let ratio = (gradients[first]?.norm ?? 0) / (gradients[last]?.norm ?? 0)
            notes.append("gradient norm \(first)/\(last) \(short(ratio))")
            guard Self.depthRatio.contains(ratio) else {
                let kind = ratio < Self.depthRatio.lowerBound ? "vanish" : "explode"
                return .failed(
                    "gradient norm ratio \(short(ratio))", bound: "in [1e-3, 1e3]",
                    "gradients \(kind) across depth: |d loss/d \(first)| / |d loss/d \(last)| = \(short(ratio))", .unhealthyTraining, notes: notes)
            }
        }
        guard context.info.ops.contains(.trace), let trace = try model.forward(batch.0, training: false, trace: true).trace else {
            return .passed("healthy", bound: "see notes", notes: notes + ["no trace: dead and saturated units not measured"])
        }
        for (index, layer) in context.layers.enumerated() {
            let output = trace[index]
            let units = output.count / size
            switch layer {
            case .relu:
                let dead = (0..<units).filter { unit in (0..<size).allSatisfy { output.scalars[$0 * units + unit] <= 0 } }.count
                let fraction = Double(dead) / Double(units)
                notes.append("\(context.describe(layer: index)) dead \(short(100 * fraction)) %")
                if fraction > Self.deadFraction {
                    return .failed("dead ReLUs \(Int(100 * fraction)) %", bound: "≤ 50 %", "\(dead) of \(units) units of \(context.describe(layer: index)) are 0 on every sample", .unhealthyTraining, notes: notes)
                }
            case .tanh, .sigmoid:
                let (low, high): (Double, Double) = if case .tanh = layer { (-0.99, 0.99) } else { (0.01, 0.99) }
                let saturated = output.scalars.filter { $0 <= low || $0 >= high }.count
                let fraction = Double(saturated) / Double(output.count)
                notes.append("\(context.describe(layer: index)) saturated \(short(100 * fraction)) %")
                if fraction > Self.saturatedFraction {
                    return .failed("saturated \(Int(100 * fraction)) %", bound: "≤ 40 %", "\(context.describe(layer: index)) is saturated on \(Int(100 * fraction)) % of its outputs", .unhealthyTraining, notes: notes)
                }
            default:
                break
            }
        }
        let overall = ratios.values.flatMap { $0 }
        let mean = overall.isEmpty ? 0 : overall.reduce(0, +) / Double(overall.count)
        return .passed("update ratio \(short(mean))", bound: "see notes", notes: notes)
    }

    /// The first layer whose output on `inputs` is not finite, when the model can trace.
    private func firstNonFiniteLayer(_ context: CheckContext, inputs: Tensor<Double>) throws(ModelError) -> Int? {
        guard context.info.ops.contains(.trace) else { return nil }
        return try context.model.forward(inputs, training: false, trace: true).trace?.firstIndex { !$0.allFinite }
    }
}
