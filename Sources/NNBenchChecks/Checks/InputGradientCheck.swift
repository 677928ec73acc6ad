import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Each layer's backward pass on its own: does layer L's input gradient follow from its output
/// gradient? With `g` the model's d loss / d (output of L) and `x` the input of L in the same
/// pass, the input gradient must be the gradient of `⟨g, f_L(x)⟩` with respect to `x`, which
/// central differences of the layer alone (`layer_forward`) give. Every layer is tested with its
/// own `g`, so a wrong backward pass is blamed on its own layer and does not smear over the layers
/// below it. The loss is tested the same way, at the network's output (`loss_from_layer` at the
/// last index), and so are dropout (against the pass's own mask) and batchnorm (through the batch
/// statistics) in training mode.
///
/// Each layer's input is sampled at up to `entries` positions spread over it (one at random in
/// each of `entries` equal segments), each held to the bound of ``DerivativeProbe`` (with the rounding noise of `⟨g, f_L⟩` estimated at the point, and a
/// relu's or max-pooling window's kinks read from the perturbed input itself). When every compared
/// value is off by one factor, the factor is named (−1: a sign; the batch size: a sum for a mean).
struct InputGradientCheck: Check {
    let name = "input-gradient"
    let summary = "each layer's input gradient follows from its output gradient (the layer alone, central differences), the loss's too"
    let requiredOps: [ModelOp] = [.trace, .layerGradients, .layerForward, .lossFromLayer]
    var entries = 12
    /// The positions a max-pooling layer's input is sampled at, at most: its input gradient is
    /// zero but at each window's maximum, and overlapping windows' bugs (an assignment where
    /// gradients add up) show only at maxima shared by several windows, which a dozen positions
    /// rarely hit; the showcases' pooling inputs have 128 and 192 values.
    var poolingEntries = 256

    /// A layer (or the loss, `layer` nil) whose gradient does not follow.
    struct Finding {
        let layer: Int?
        let mode: String
        let worst: GradientCheck.Worst
        let scale: Double?
        /// On a sequence `[n, steps, f]`: the time steps with a compared entry past its bound, and
        /// those whose every compared entry is within it.
        var steps: (wrong: Set<Int>, right: Set<Int>, count: Int)? = nil

        /// `; off at steps 0, 1, 2 of 4, right at step 3`, for a sequence with entries on both sides
        /// or wrong at some steps only: which step's gradient is off.
        var stepSentence: String {
            guard let steps, !steps.wrong.isEmpty, steps.wrong.count < steps.count else { return "" }
            func list(_ values: Set<Int>) -> String { (values.count == 1 ? "step " : "steps ") + values.sorted().map(String.init).joined(separator: ", ") }
            let right = steps.right.subtracting(steps.wrong)
            return "; off at \(list(steps.wrong)) of \(steps.count) (from 0)" + (right.isEmpty ? "" : ", right at \(list(right))")
        }
    }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(4)
        let resolved = try context.resolved().layers
        let pass = try model.layerGradients(inputs: batch.inputs, targets: batch.targets, training: false)
        guard let trace = try model.forward(batch.inputs, training: false, trace: true).trace?.outputs else { throw .unsupported(.trace) }
        // Every comparison takes one pass's gradients at another pass's layer inputs: they must be
        // the same pass's, so evaluation must be deterministic; the first layer that is not is blamed.
        if let again = try model.forward(batch.inputs, training: false, trace: true).trace?.outputs,
           let layer = zip(trace, again).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return .failed(
                "\(context.describe(layer: layer)) not deterministic", bound: "identical passes",
                "two evaluation passes of the same batch differ first at \(context.describe(layer: layer)): its gradients cannot be "
                    + "checked against its output", .evaluationNondeterministic, at: context.location(layers: layer))
        }
        let layerInputs = [batch.inputs] + trace.dropLast()
        var findings: [Finding] = []
        var kinks = 0, load = 0.0
        let loss = try lossComparison(context, output: trace.last!, gradient: pass.outputs.last!, targets: batch.targets, kinks: &kinks)
        load = Swift.max(load, loss.worst.load)
        if loss.worst.load > 1 { findings.append(loss) }
        var notes = ["\(resolved.count) layers alone and the loss, up to \(entries) input entries each (\(poolingEntries) for max pooling)"]
        for layer in resolved.reversed() {
            // Token indices have no gradient (PyTorch's embedding takes none): nothing to compare.
            if case .embedding = layer.spec {
                notes.append("layer \(layer.index) (embedding): its input is token indices, which have no gradient")
                continue
            }
            let local = try localComparison(
                context, layer: layer, input: layerInputs[layer.index], outputGradient: pass.outputs[layer.index],
                inputGradient: pass.inputs[layer.index], training: false, mask: nil, kinks: &kinks)
            load = Swift.max(load, local.worst.load)
            if local.worst.load > 1 { findings.append(local) }
        }
        if context.trainsDifferently {
            if context.info.version >= 2 {
                let training = try trainingComparisons(context, resolved: resolved, batch: batch, kinks: &kinks)
                load = training.map(\.worst.load).reduce(load, Swift.max)
                findings += training.filter { $0.worst.load > 1 }
                notes.append("dropout and batchnorm also in training mode, under the pass's own masks")
            } else {
                notes.append("protocol 1: dropout and batchnorm not tested in training mode (they need masks, protocol 2)")
            }
        }
        if kinks > 0 { notes.append("\(kinks) value(s) skipped: every segment crossed a kink") }
        let figure = "error/bound \(short(load))"
        guard let first = findings.first else {
            return .passed(figure, bound: "≤ 1", load: load, notes: notes)
        }
        return failure(first, all: findings, context: context, load: load, notes: notes)
    }

    /// The loss's gradient against central differences of the loss alone at the network's output.
    private func lossComparison(
        _ context: CheckContext, output: Tensor<Double>, gradient: Tensor<Double>, targets: Tensor<Double>, kinks: inout Int
    ) throws(ModelError) -> Finding {
        let count = context.layers.count, model = context.model
        func loss(_ z: Tensor<Double>) throws(ModelError) -> Double { try model.loss(fromLayer: count, inputs: z, targets: targets) }
        return try compare(context, at: output, analytic: gradient, layer: nil, mode: "evaluation", entries: entries, kinks: &kinks) { moved throws(ModelError) in
            (try loss(moved), nil)
        }
    }

    /// Layer `layer` alone: its input gradient against central differences of `⟨g, f(x)⟩`.
    private func localComparison(
        _ context: CheckContext, layer: ResolvedLayer, input: Tensor<Double>, outputGradient g: Tensor<Double>, inputGradient: Tensor<Double>,
        training: Bool, mask: Tensor<Double>?, kinks: inout Int
    ) throws(ModelError) -> Finding {
        let model = context.model
        let entries = if case .maxPool2d = layer.spec { poolingEntries } else { entries }
        return try compare(
            context, at: input, analytic: inputGradient, layer: layer.index, mode: training ? "training" : "evaluation", entries: entries, kinks: &kinks,
            magnitude: { moved throws(ModelError) in
                let y = try model.layerForward(layer.index, inputs: moved, training: training, mask: mask)
                return zip(g.scalars, y.scalars).reduce(0) { $0 + Swift.abs($1.0) * $1.1 }
            }
        ) {
            moved throws(ModelError) in
            let y = try model.layerForward(layer.index, inputs: moved, training: training, mask: mask)
            // The engine also tells the steps a relu rnn's `sequence: false` output leaves out.
            let hidden = (model as? any HiddenSequenceSource)?.hiddenSequences[layer.index]
            return (zip(g.scalars, y.scalars).reduce(0) { $0 + $1.0 * $1.1 }, KinkPattern(layer: layer, input: moved, output: y, hiddenSequence: hidden))
        }
    }

    /// Central differences of `f` around `point` against `analytic`, at up to `entries` entries.
    ///
    /// A layer's input gradient is a sum of terms `g_u·∂f_u/∂x_i`, rounded in the model's
    /// precision at the scale of their magnitudes, which can cancel to far below them (a dense
    /// layer whose units are identical under a softmax's `Σ g_u = 0`: the value is all rounding).
    /// For a value past its bound, `magnitude` (`⟨|g|, f(x)⟩`) gives a lower estimate `T` of that
    /// scale by one central difference, and the bound gets `ρ·T` more: a wrong backward pass is
    /// off by the order of the value itself, which no cancellation hides.
    private func compare(
        _ context: CheckContext, at point: Tensor<Double>, analytic: Tensor<Double>, layer: Int?, mode: String, entries: Int, kinks: inout Int,
        magnitude: ((Tensor<Double>) throws(ModelError) -> Double)? = nil,
        _ f: (Tensor<Double>) throws(ModelError) -> (Double, KinkPattern?)
    ) throws(ModelError) -> Finding {
        let tolerances = Tolerances(precision: context.precision)
        func evaluate(_ moved: Tensor<Double>, step: Double, pattern: Bool) throws(ModelError) -> DerivativeProbe.Evaluation {
            let (value, kinks) = try f(moved)
            return DerivativeProbe.Evaluation(value: value, step: step, pattern: pattern ? kinks : nil)
        }
        let direction = Self.direction(point.count, seed: context.seed)
        let noise = try NoiseEstimate.sigma(step: tolerances.step / 10, precision: context.precision) { amount throws(ModelError) in
            var moved = point
            for i in moved.scalars.indices { moved.scalars[i] = context.precision.rounded(point.scalars[i] + amount * direction[i]) }
            return try f(moved).0
        }
        var probe = DerivativeProbe(tolerances: tolerances, base: try f(point).0, noise: noise)
        var fit = ScaleFit(), worst = GradientCheck.Worst()
        var steps: (wrong: Set<Int>, right: Set<Int>, count: Int)? = point.shape.count == 3 ? ([], [], point.shape[1]) : nil
        let scale = analytic.maxAbs
        for i in Self.positions(point.count, entries: entries, seed: context.seed, layer: layer) {
            let result = try probe.compare(analytic.scalars[i], scale: scale) { amount, pattern throws(ModelError) in
                var moved = point
                moved.scalars[i] = context.precision.rounded(point.scalars[i] + amount)
                return try evaluate(moved, step: moved.scalars[i] - point.scalars[i], pattern: pattern)
            }
            guard var result else { continue }
            if result.load > 1, let magnitude {
                var (up, down) = (point, point)
                up.scalars[i] = context.precision.rounded(point.scalars[i] + tolerances.step)
                down.scalars[i] = context.precision.rounded(point.scalars[i] - tolerances.step)
                let step = up.scalars[i] - down.scalars[i]
                let terms = step > 0 ? Swift.abs((try magnitude(up) - magnitude(down)) / step) : 0
                let difference = Swift.abs(analytic.scalars[i] - result.numerical)
                let bound = difference / result.load + tolerances.relative * terms
                result = DerivativeProbe.Comparison(load: bound > 0 ? difference / bound : result.load, numerical: result.numerical, bound: bound)
            }
            fit.add(analytic: analytic.scalars[i], numerical: result.numerical, load: result.load)
            worst.keep(result.load, at: point.position(i), analytic: analytic.scalars[i], numerical: result.numerical)
            if let count = steps?.count {
                let step = i / point.shape[2] % count
                if result.load <= 1 { steps?.right.insert(step) } else { steps?.wrong.insert(step) }
            }
        }
        kinks += probe.kinks
        return Finding(layer: layer, mode: mode, worst: worst, scale: fit.commonScale, steps: steps)
    }

    /// Dropout against its own mask and batchnorm through the batch statistics, in one
    /// training-mode pass whose layer inputs are rebuilt layer by layer under the pass's masks.
    private func trainingComparisons(
        _ context: CheckContext, resolved: [ResolvedLayer], batch: (inputs: Tensor<Double>, targets: Tensor<Double>), kinks: inout Int
    ) throws(ModelError) -> [Finding] {
        let model = context.model, tolerances = Tolerances(precision: context.precision)
        let pass = try model.layerGradients(inputs: batch.inputs, targets: batch.targets, training: true)
        defer { _ = try? context.build() }
        var findings: [Finding] = []
        var x = batch.inputs
        for layer in resolved {
            let mask = pass.masks[layer.index]
            switch layer.spec {
            case .dropout:
                guard let mask else { throw .failed(.layerGradients, "no mask for the dropout layer \(layer.index) in a training-mode pass") }
                let probe = DerivativeProbe(tolerances: tolerances, base: 0, noise: 0)
                var fit = ScaleFit(), worst = GradientCheck.Worst()
                let scale = pass.inputs[layer.index].maxAbs
                for i in 0..<x.count {
                    // Exact arithmetic: d/dx of g·(x·mask) is g·mask, up to the model's rounding.
                    let (analytic, expected) = (pass.inputs[layer.index].scalars[i], pass.outputs[layer.index].scalars[i] * mask.scalars[i])
                    let load = probe.load(analytic, expected, scale: scale, halfStep: 1, noiseFactor: 0)
                    fit.add(analytic: analytic, numerical: expected, load: load)
                    worst.keep(load, at: x.position(i), analytic: analytic, numerical: expected)
                }
                findings.append(Finding(layer: layer.index, mode: "training", worst: worst, scale: fit.commonScale))
            case .batchNorm:
                findings.append(try localComparison(
                    context, layer: layer, input: x, outputGradient: pass.outputs[layer.index], inputGradient: pass.inputs[layer.index],
                    training: true, mask: nil, kinks: &kinks))
            default:
                break
            }
            x = try model.layerForward(layer.index, inputs: x, training: true, mask: mask)
        }
        return findings.reversed()
    }

    /// Up to `entries` positions among `count`, one drawn at random in each of `entries` equal
    /// segments: spread over the batch and the channels like an even grid, but not locked to
    /// one pixel when a segment's length is a plane's (an even grid on a 4×4 plane samples only
    /// its corner, where a max-pooling window's overlap or a relu's zero can hide a bug).
    static func positions(_ count: Int, entries: Int, seed: UInt64, layer: Int?) -> [Int] {
        let n = Swift.min(entries, count)
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "check/input-gradient-positions"), index: UInt64((layer ?? -1) + 1))
        return (0..<n).map { k in
            let lower = k * count / n, upper = (k + 1) * count / n
            return lower + stream.integer(below: upper - lower)
        }
    }

    /// A unit direction for the noise estimate, from the check's seed.
    private static func direction(_ count: Int, seed: UInt64) -> [Double] {
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "check/input-gradient-noise"), index: 0)
        let values = (0..<count).map { _ in stream.normal() }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / Swift.max(norm, .leastNormalMagnitude) }
    }

    private func failure(_ first: Finding, all findings: [Finding], context: CheckContext, load: Double, notes: [String]) -> CheckOutcome {
        let worst = first.worst
        let others = findings.dropFirst().map { $0.layer.map { context.describe(layer: $0) } ?? "the loss" }
        let also = others.isEmpty ? "" : "; also wrong on its own: " + others.joined(separator: ", ")
        let scale = first.scale.map { ", every compared value \(short($0))× the numerical one" } ?? ""
        let figure = "error/bound \(short(load))"
        guard let layer = first.layer else {
            return .failed(
                figure + " at the loss", bound: "≤ 1",
                "the loss's gradient d loss/d output\(worst.place) is \(short(worst.analytic)), central differences of the loss give "
                    + "\(short(worst.numerical))\(scale)\(also)",
                .lossGradient(context.loss, scale: first.scale, batch: 4, outputs: context.task.outputWidth), load: load, notes: notes,
                at: .loss)
        }
        let symptom = Symptom.backward(of: context.layers[layer], scale: first.scale)
        let shared = Self.sharedCause(Set(findings.compactMap(\.layer)), layers: context.layers)
        return .failed(
            figure + " at \(context.describe(layer: layer))", bound: "≤ 1",
            "the backward pass of \(context.describe(layer: layer)) is wrong (\(first.mode) mode): d loss/d input\(worst.place) is "
                + "\(short(worst.analytic)), its output gradient gives \(short(worst.numerical))\(scale)\(first.stepSentence)\(also)"
                + (shared.map { "; \($0.sentence)" } ?? ""),
            Symptom(name: symptom.name, likelyCauses: (shared.map { [$0.cause] } ?? []) + symptom.likelyCauses), load: load, notes: notes,
            at: .layers(context.locate(layers: findings.compactMap(\.layer))))
    }

    /// What several layers wrong on their own say, when one layer's formula cannot explain them:
    /// a run of adjacent layers of any types is the autograd engine's doing (a value's gradient
    /// passed on before every user added its share, or assigned where it accumulates); layers
    /// of one type apart from each other share the code with the mistake.
    static func sharedCause(_ wrong: Set<Int>, layers: [LayerSpec]) -> (sentence: String, cause: String)? {
        guard wrong.count >= 2, let low = wrong.min(), let high = wrong.max() else { return nil }
        if high - low + 1 == wrong.count, Set(wrong.map { layers[$0].name }).count > 1 {
            return ("layers \(low)–\(high) are each wrong on their own, which no single layer's formula explains",
                    "the autograd engine, not a layer: a value with several users passes its gradient on before every user has added its share (no topological order), or a gradient is assigned where it should accumulate")
        }
        if Set(wrong.map { layers[$0].name }).count == 1, let type = wrong.first.map({ layers[$0].name }) {
            return ("every \(type) layer is wrong on its own: the mistake is in code they share",
                    "the same mistake in the code every \(type) layer runs")
        }
        return nil
    }
}
