import NNBenchEngine
import NNBenchModel

/// Numerical health during a short training run (`steps` Adam steps at lr 1e-3 on batches of the
/// task): the first step and layer where a NaN or infinity appears; each weight tensor's
/// update-to-weight ratio `|Δw| / |w|`, about 1e-3 when healthy; the gradient norms of the first
/// and last weight tensors (vanishing or exploding across depth); and the fraction of dead ReLU
/// units and of saturated tanh and sigmoid values.
///
/// Bounds (the constants below): depth ratio of gradient norms within [1e-3, 1e3]; at most half
/// the ReLU units dead on a batch; at most 40 % of tanh/sigmoid outputs within 0.01 of their
/// limits; update ratios within [1e-5, 1e-1] (Adam at lr 1e-3 moves each weight by about 1e-3, a
/// few per cent of Glorot weights of 0.1 to 1). Dead and saturated units need `trace`, the
/// gradient ratio `gradients`.
struct TrainingHealthCheck: Check {
    let name = "health"
    let summary = "a short run: first NaN, gradient norms across depth, dead ReLUs, saturation, update-to-weight ratio"
    let requiredOps: [ModelOp] = [.step]
    static let steps = 30
    static let batchSize = 16
    static let optimizer = OptimizerSpec.adam(learningRate: 1e-3)
    static let depthRatio = 1e-3...1e3
    static let deadFraction = 0.5
    static let saturatedFraction = 0.4
    /// How close to its limits (±1 for tanh, 0 and 1 for sigmoid) an output counts as saturated.
    static let saturationMargin = 0.01
    static let updateRatio = 1e-5...1e-1

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        let order = try context.build().filter(\.trainable).map(\.name)
        let data = context.batch(64)
        let weights = order.filter { name in
            guard let index = Int(name.prefix { $0 != "." }), context.layers.indices.contains(index) else { return false }
            switch context.layers[index] {
            case .dense, .conv2d: return name.hasSuffix(".weight")
            default: return false
            }
        }
        let ratios: [String: Double]
        switch try train(context, data: data, order: order, weights: weights) {
        case .failure(let failure): return failure.outcome
        case .success(let measured): ratios = measured
        }
        if let failure = updateRatioFailure(context, ratios: ratios, order: weights) { return failure }
        let size = Swift.min(Self.batchSize, data.inputs.shape[0])
        let batch = (data.inputs.samples(0..<size), data.targets.samples(0..<size))
        var notes: [String] = []
        if let failure = try depthFailure(context, batch: batch, weights: weights, notes: &notes) { return failure }
        guard context.info.ops.contains(.trace), let trace = try context.model.forward(batch.0, training: false, trace: true).trace?.outputs else {
            return .passed("healthy", bound: "see notes", notes: notes + ["no trace: dead and saturated units not measured"])
        }
        if let failure = unitFailure(context, trace: trace, samples: size, notes: &notes) { return failure }
        let mean = ratios.isEmpty ? 0 : ratios.values.reduce(0, +) / Double(ratios.count)
        return .passed("update ratio \(short(mean))", bound: "see notes", notes: notes)
    }

    /// The short run: each weight tensor's mean update-to-weight ratio, or the failure at the
    /// first step whose loss or parameters are not finite.
    private func train(
        _ context: CheckContext, data: (inputs: Tensor<Double>, targets: Tensor<Double>), order: [String], weights: [String]
    ) throws(ModelError) -> Result<[String: Double], Failure> {
        let model = context.model
        let samples = data.inputs.shape[0], size = Swift.min(Self.batchSize, samples)
        var sums: [String: Double] = [:]
        var previous = try model.parameters()
        for step in 0..<Self.steps {
            let start = (step * size) % Swift.max(samples - size + 1, 1)
            let batch = (data.inputs.samples(start..<start + size), data.targets.samples(start..<start + size))
            let loss = try model.step(inputs: batch.0, targets: batch.1, optimizer: Self.optimizer)
            let current = try model.parameters()
            let broken = order.first { !(current[$0]?.allFinite ?? true) }
            if !loss.isFinite || broken != nil {
                let place = try firstNonFiniteLayer(context, inputs: batch.0).map { " first in \(context.describe(layer: $0))" } ?? ""
                let what = loss.isFinite ? "\(broken!) became non-finite" : "the loss is \(loss)"
                return .failure(Failure(outcome: .failed(
                    "non-finite at step \(step + 1)", bound: "finite", "at step \(step + 1) \(what);\(place)", .nonFinite)))
            }
            for name in weights {
                let change = zip(current[name]!.scalars, previous[name]!.scalars).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                sums[name, default: 0] += change.squareRoot() / previous[name]!.norm
            }
            previous = current
        }
        return .success(sums.mapValues { $0 / Double(Self.steps) })
    }

    /// A weight tensor whose mean update ratio is outside ``updateRatio``.
    private func updateRatioFailure(_ context: CheckContext, ratios: [String: Double], order: [String]) -> CheckOutcome? {
        guard let name = order.first(where: { !Self.updateRatio.contains(ratios[$0]!) }), let ratio = ratios[name] else { return nil }
        return .failed(
            "update ratio \(short(ratio)) (\(name))", bound: "in \(interval(Self.updateRatio))",
            "\(context.describe(parameter: name)) moves by \(short(ratio)) of its norm per step", .unhealthyTraining)
    }

    /// Gradients that vanish or explode from the last weight tensor to the first.
    private func depthFailure(
        _ context: CheckContext, batch: (Tensor<Double>, Tensor<Double>), weights: [String], notes: inout [String]
    ) throws(ModelError) -> CheckOutcome? {
        guard context.info.ops.contains(.gradients), let first = weights.first, let last = weights.last, first != last else { return nil }
        let gradients = try context.model.gradients(inputs: batch.0, targets: batch.1).gradients
        let ratio = (gradients[first]?.norm ?? 0) / (gradients[last]?.norm ?? 0)
        notes.append("gradient norm \(first)/\(last) \(short(ratio))")
        guard !Self.depthRatio.contains(ratio) else { return nil }
        let kind = ratio < Self.depthRatio.lowerBound ? "vanish" : "explode"
        return .failed(
            "gradient norm ratio \(short(ratio))", bound: "in \(interval(Self.depthRatio))",
            "gradients \(kind) across depth: |d loss/d \(first)| / |d loss/d \(last)| = \(short(ratio))", .unhealthyTraining, notes: notes)
    }

    /// Dead ReLUs (0 on every sample of the batch) or saturated tanh and sigmoid outputs.
    private func unitFailure(_ context: CheckContext, trace: [Tensor<Double>], samples: Int, notes: inout [String]) -> CheckOutcome? {
        for (index, layer) in context.layers.enumerated() {
            let output = trace[index]
            let units = output.count / samples
            switch layer {
            case .relu:
                let dead = (0..<units).filter { unit in (0..<samples).allSatisfy { output.scalars[$0 * units + unit] <= 0 } }.count
                let fraction = Double(dead) / Double(units)
                notes.append("\(context.describe(layer: index)) dead \(short(100 * fraction)) %")
                if fraction > Self.deadFraction {
                    return .failed(
                        "dead ReLUs \(Int(100 * fraction)) %", bound: "≤ \(short(100 * Self.deadFraction)) %",
                        "\(dead) of \(units) units of \(context.describe(layer: index)) are 0 on every sample", .unhealthyTraining, notes: notes)
                }
            case .tanh, .sigmoid:
                let low: Double = if case .tanh = layer { -1 } else { 0 }
                let saturated = output.scalars.filter { $0 <= low + Self.saturationMargin || $0 >= 1 - Self.saturationMargin }.count
                let fraction = Double(saturated) / Double(output.count)
                notes.append("\(context.describe(layer: index)) saturated \(short(100 * fraction)) %")
                if fraction > Self.saturatedFraction {
                    return .failed(
                        "saturated \(Int(100 * fraction)) %", bound: "≤ \(short(100 * Self.saturatedFraction)) %",
                        "\(context.describe(layer: index)) is saturated on \(Int(100 * fraction)) % of its outputs", .unhealthyTraining, notes: notes)
                }
            default:
                break
            }
        }
        return nil
    }

    /// The first layer whose output on `inputs` is not finite, when the model can trace.
    private func firstNonFiniteLayer(_ context: CheckContext, inputs: Tensor<Double>) throws(ModelError) -> Int? {
        guard context.info.ops.contains(.trace) else { return nil }
        return try context.model.forward(inputs, training: false, trace: true).trace?.outputs.firstIndex { !$0.allFinite }
    }

    /// A failure found during the run, carried out of it.
    private struct Failure: Error {
        let outcome: CheckOutcome
    }
}

/// A closed interval as a bound: `[1e-05, 0.1]`.
func interval(_ range: ClosedRange<Double>) -> String {
    "[\(short(range.lowerBound)), \(short(range.upperBound))]"
}
