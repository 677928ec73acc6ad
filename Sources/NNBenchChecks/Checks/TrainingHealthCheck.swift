import Foundation
import NNBenchEngine
import NNBenchModel

/// Numerical health during a short training run (`steps` Adam steps at lr 1e-3 on batches of the
/// task): the first step and layer where a NaN or infinity appears; each weight tensor's
/// update-to-weight ratio `|Δw| / |w|`, about 1e-3 when healthy; the gradient norms of the first
/// and last weight tensors (vanishing or exploding across depth); and the fraction of dead ReLU
/// units and of saturated tanh and sigmoid values.
///
/// Those figures depend on the architecture and the data as much as on the implementation (ReLUs
/// on all-positive inputs die by half; a wide layer's gradients are small), so the model is judged
/// against nnbench's reference engine trained the same way from the model's own initial weights:
/// a figure outside its healthy range (the constants below: update ratios within [1e-5, 1e-1], a
/// depth ratio within [1e-3, 1e3], at most half the ReLU units dead, at most 40 % of tanh/sigmoid
/// outputs saturated as ``UnitHealth`` defines it) fails only when the reference's is inside it. The load is
/// how far the model's figure is from the reference's, as a fraction of the way to the bound.
/// Dead and saturated units need `trace`, the depth ratio `gradients`.
struct TrainingHealthCheck: Check {
    let name = "health"
    let summary = "a short run: first NaN, update-to-weight ratios, gradient norms across depth, dead ReLUs, saturation, against the reference engine's"
    let requiredOps: [ModelOp] = [.step]
    static let steps = 30
    static let batchSize = 16
    /// Adam at its usual rate where the model offers it; SGD with momentum otherwise (the
    /// reference is trained with the same one, and the figures are held to its).
    static let optimizers: [OptimizerSpec] = [.adam(learningRate: 1e-3), .sgd(learningRate: 0.01, momentum: 0.9)]
    static let depthRatio = 1e-3...1e3
    static let deadFraction = 0.5
    static let saturatedFraction = 0.4
    static let updateRatio = 1e-5...1e-1

    /// One figure of a run: its name and place, value, and healthy range in the scale compared
    /// (log10 for ratios, the fraction itself for units).
    struct Figure {
        let name: String
        let value: Double
        let range: ClosedRange<Double>
        let text: String

        var healthy: Bool { range.contains(value) }
    }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        guard let optimizer = context.optimizer(Self.optimizers) else {
            return .skipped("needs adam or sgd, which the model does not offer")
        }
        try context.build()
        let weights = try context.model.parameters()
        let run = try figures(of: context.model, context, optimizer: optimizer)
        if case .failure(let failure) = run { return failure.outcome }
        guard case .success(let model) = run else { return .skipped("no figures") }
        let throughTime = timeStepNotes(context)
        let reference = EngineModel<Double>()
        _ = try reference.build(context.modelSpec, loss: context.loss, seed: context.seed)
        try reference.setParameters(weights)
        let referenceInfo = try reference.hello()
        let referenceContext = CheckContext(model: reference, info: referenceInfo, modelSpec: context.modelSpec, task: context.task, seed: context.seed)
        guard case .success(let expected) = try figures(of: reference, referenceContext, optimizer: optimizer) else {
            return .skipped("the reference engine itself does not train this architecture to finite values in \(Self.steps) steps")
        }
        var load = 0.0, notes = ["trained with \(optimizer)"] + throughTime
        for figure in model {
            guard let wanted = expected.first(where: { $0.name == figure.name }) else { continue }
            guard wanted.healthy else {
                notes.append("\(figure.text): outside its healthy range, as the reference engine's (\(wanted.text)): the architecture's, not a bug")
                continue
            }
            let room = figure.value >= wanted.value ? wanted.range.upperBound - wanted.value : wanted.value - wanted.range.lowerBound
            load = Swift.max(load, room > 0 ? Swift.abs(figure.value - wanted.value) / room : 0)
            if !figure.healthy {
                return .failed(
                    figure.text, bound: "healthy, as the reference's \(wanted.text)",
                    "\(figure.text), where the reference engine trained the same way from the same weights has \(wanted.text)",
                    .unhealthyTraining, load: load, notes: notes)
            }
        }
        let updates = model.filter { $0.name.hasPrefix("update") }
        let finite = updates.map(\.value).filter(\.isFinite)
        let mean = finite.isEmpty ? 0 : pow(10, finite.reduce(0, +) / Double(finite.count))
        return .passed("update ratio \(short(mean))", bound: "as the reference engine's", load: load, notes: notes)
    }

    /// The short run on `model` and its figures, or the failure at the first step whose loss or
    /// parameters are not finite.
    private func figures(of model: any CheckableModel, _ context: CheckContext, optimizer: OptimizerSpec) throws(ModelError) -> Result<[Figure], Failure> {
        let order = context.layers.indices.flatMap { index -> [String] in
            switch context.layers[index] {
            case .dense, .conv2d: ["\(index).weight"]
            default: []
            }
        }
        let data = context.batch(64)
        let samples = data.inputs.shape[0], size = Swift.min(Self.batchSize, samples)
        var sums: [String: Double] = [:], counts: [String: Int] = [:]
        var previous = try model.parameters()
        for step in 0..<Self.steps {
            let start = (step * size) % Swift.max(samples - size + 1, 1)
            let batch = (data.inputs.samples(start..<start + size), data.targets.samples(start..<start + size))
            let loss = try model.step(inputs: batch.0, targets: batch.1, optimizer: optimizer)
            let current = try model.parameters()
            let broken = current.keys.sorted().first { !(current[$0]?.allFinite ?? true) }
            if !loss.isFinite || broken != nil {
                let place = try firstNonFiniteLayer(model, context, inputs: batch.0).map { " first in \(context.describe(layer: $0))" } ?? ""
                let what = loss.isFinite ? "\(broken!) became non-finite" : "the loss is \(loss)"
                return .failure(Failure(outcome: .failed(
                    "non-finite at step \(step + 1)", bound: "finite", "at step \(step + 1) \(what);\(place)", .nonFinite)))
            }
            for name in order {
                let change = zip(current[name]!.scalars, previous[name]!.scalars).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                // A step from an all-zero tensor has no ratio (0/0 or ∞): it is left out.
                let norm = previous[name]!.norm
                guard norm > 0 else { continue }
                sums[name, default: 0] += change.squareRoot() / norm
                counts[name, default: 0] += 1
            }
            previous = current
        }
        var figures = order.map { name in
            let ratio = (sums[name] ?? 0) / Double(Swift.max(counts[name] ?? 0, 1))
            return Figure(
                name: "update \(name)", value: log10(Swift.max(ratio, 1e-300)), range: log10(Self.updateRatio.lowerBound)...log10(Self.updateRatio.upperBound),
                text: "\(name) update ratio \(short(ratio))")
        }
        let batch = (data.inputs.samples(0..<size), data.targets.samples(0..<size))
        if context.info.ops.contains(.gradients), let first = order.first, let last = order.last, first != last {
            let gradients = try model.gradients(inputs: batch.0, targets: batch.1).gradients
            let ratio = (gradients[first]?.norm ?? 0) / (gradients[last]?.norm ?? 0)
            figures.append(Figure(
                name: "depth", value: log10(Swift.max(ratio, 1e-300)), range: log10(Self.depthRatio.lowerBound)...log10(Self.depthRatio.upperBound),
                text: "gradient norm ratio |d loss/d \(first)| / |d loss/d \(last)| \(short(ratio))"))
        }
        if context.info.ops.contains(.trace), let trace = try model.forward(batch.0, training: false, trace: true).trace?.outputs {
            figures += unitFigures(context, trace: trace, samples: size)
        }
        return .success(figures)
    }

    /// The gradient through time of each recurrent layer that returns its last step alone, at the
    /// short run's last step, with the verdict of the training diagnoses
    /// (``TrainingDiagnoses/timeStepBand(unitRoundoff:)``): a note, never a failure, since it is
    /// the architecture's figure (an engine's plain rnn vanishes over long sequences, correctly).
    /// Only the engine tells the gradient reaching every `h_t` (``TimeStepGradientSource``); the
    /// protocol gives the initial state's alone, so over `--exec` there is no note.
    private func timeStepNotes(_ context: CheckContext) -> [String] {
        guard let source = context.model as? any TimeStepGradientSource else { return [] }
        let (norms, u) = source.timeStepGradients
        let band = TrainingDiagnoses.timeStepBand(unitRoundoff: u)
        return norms.keys.sorted().compactMap { index -> String? in
            guard context.layers.indices.contains(index), Self.returnsLastStepAlone(context.layers[index]),
                  let values = norms[index], let ratio = TimeStepGradients.firstToLast(values) else { return nil }
            let verdict = TrainingDiagnoses.timeStepVerdict(ratio: ratio, band: band)
            let figure = ratio == 0 ? "0: no gradient reaches h_0 at all" : short(ratio)
            return "gradient through time at the last step, \(context.describe(layer: index)): ‖∂L/∂h_0‖ / ‖∂L/∂h_\(values.count - 1)‖ = \(figure), \(verdict) (healthy band [\(short(band.lowerBound)), \(short(band.upperBound))])"
        }
    }

    /// Whether `layer` is recurrent and returns its last step alone (`sequence: false`).
    private static func returnsLastStepAlone(_ layer: LayerSpec) -> Bool {
        switch layer {
        case .rnn(_, _, let sequence, _), .lstm(_, let sequence, _, _), .gru(_, let sequence, _): !sequence
        default: false
        }
    }

    /// Dead ReLUs and saturated tanh and sigmoid outputs over the batch, per layer, as
    /// ``UnitHealth`` defines them.
    private func unitFigures(_ context: CheckContext, trace: [Tensor<Double>], samples: Int) -> [Figure] {
        context.layers.enumerated().compactMap { index, layer -> Figure? in
            let output = trace[index]
            let units = output.count / samples
            switch layer {
            case .relu:
                let dead = (0..<units).filter { unit in
                    UnitHealth.isDead(maximum: (0..<samples).map { output.scalars[$0 * units + unit] }.max() ?? .nan)
                }.count
                let fraction = Double(dead) / Double(units)
                return Figure(
                    name: "dead \(index)", value: fraction, range: 0...Self.deadFraction,
                    text: "\(dead) of \(units) units of \(context.describe(layer: index)) dead (\(short(100 * fraction)) %)")
            case .tanh, .sigmoid:
                let bounds = UnitHealth.saturationBounds(of: layer)!
                let saturated = output.scalars.filter { UnitHealth.isSaturated($0, bounds: bounds) }.count
                let fraction = Double(saturated) / Double(output.count)
                return Figure(
                    name: "saturated \(index)", value: fraction, range: 0...Self.saturatedFraction,
                    text: "\(context.describe(layer: index)) saturated on \(short(100 * fraction)) % of its outputs")
            default:
                return nil
            }
        }
    }

    /// The first layer whose output on `inputs` is not finite, when the model can trace.
    private func firstNonFiniteLayer(_ model: any CheckableModel, _ context: CheckContext, inputs: Tensor<Double>) throws(ModelError) -> Int? {
        guard context.info.ops.contains(.trace) else { return nil }
        return try model.forward(inputs, training: false, trace: true).trace?.outputs.firstIndex { !$0.allFinite }
    }

    /// A failure found during the run, carried out of it.
    private struct Failure: Error {
        let outcome: CheckOutcome
    }
}
