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
/// Each layer's input is sampled at up to `entries` evenly spread positions; kinks are handled as
/// in the gradient check; the bounds are the gradient check's (``Tolerances``). When every compared
/// entry is off by one factor, the factor is named (−1: a sign; the batch size: a sum for a mean).
struct InputGradientCheck: Check {
    let name = "input-gradient"
    let summary = "each layer's input gradient follows from its output gradient (the layer alone, central differences), the loss's too"
    let requiredOps: [ModelOp] = [.trace, .layerGradients, .layerForward, .lossFromLayer]
    var entries = 12

    /// A layer (or the loss, `layer` nil) whose gradient does not follow.
    struct Finding {
        let layer: Int?
        let mode: String
        let worst: GradientCheck.Worst
        let scale: Double?
    }

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        try context.build()
        let model = context.model, batch = context.batch(4)
        let tolerances = Tolerances(precision: context.precision)
        let pass = try model.layerGradients(inputs: batch.inputs, targets: batch.targets, training: false)
        guard let trace = try model.forward(batch.inputs, training: false, trace: true).trace?.outputs else { throw .unsupported(.trace) }
        let layerInputs = [batch.inputs] + trace.dropLast()
        var findings: [Finding] = []
        var kinks = 0, compared = 0
        if let finding = try lossFinding(context, output: trace.last!, gradient: pass.outputs.last!, targets: batch.targets, kinks: &kinks) {
            findings.append(finding)
        }
        for layer in context.layers.indices.reversed() {
            compared += 1
            if let finding = try localFinding(
                context, layer: layer, input: layerInputs[layer], outputGradient: pass.outputs[layer],
                inputGradient: pass.inputs[layer], training: false, mask: nil, kinks: &kinks)
            {
                findings.append(finding)
            }
        }
        var notes = ["\(compared) layers alone and the loss, up to \(entries) input entries each"]
        if context.trainsDifferently {
            if context.info.version >= 2 {
                findings += try trainingFindings(context, batch: batch, kinks: &kinks)
                notes.append("dropout and batchnorm also in training mode, under the pass's own masks")
            } else {
                notes.append("protocol 1: dropout and batchnorm not tested in training mode (they need masks, protocol 2)")
            }
        }
        if kinks > 0 { notes.append("\(kinks) perturbation(s) crossed a kink and were skipped") }
        let bound = "≤ \(short(tolerances.gradientError))"
        guard let first = findings.first else {
            return .passed("every layer's backward follows", bound: bound, notes: notes)
        }
        return failure(first, all: findings, context: context, bound: bound, notes: notes)
    }

    /// The loss's gradient against central differences of the loss alone at the network's output.
    private func lossFinding(
        _ context: CheckContext, output: Tensor<Double>, gradient: Tensor<Double>, targets: Tensor<Double>, kinks: inout Int
    ) throws(ModelError) -> Finding? {
        let count = context.layers.count, model = context.model
        let tolerances = Tolerances(precision: context.precision)
        var probe = DifferenceProbe(baseLoss: try model.loss(fromLayer: count, inputs: output, targets: targets), tolerances: tolerances)
        var fit = ScaleFit(tolerances: tolerances), worst = GradientCheck.Worst()
        for i in positions(output.count) {
            let result = try probe.compare(gradient.scalars[i]) { amount throws(ModelError) in
                var moved = output
                moved.scalars[i] = context.precision.rounded(output.scalars[i] + amount)
                return (try model.loss(fromLayer: count, inputs: moved, targets: targets), moved.scalars[i] - output.scalars[i])
            }
            guard let (error, numerical) = result else { continue }
            fit.add(analytic: gradient.scalars[i], numerical: numerical)
            worst.keep(error, at: output.position(i), analytic: gradient.scalars[i], numerical: numerical)
        }
        kinks += probe.kinks
        guard worst.error > tolerances.gradientError else { return nil }
        return Finding(layer: nil, mode: "evaluation", worst: worst, scale: fit.commonScale)
    }

    /// Layer `layer` alone: its input gradient against central differences of `⟨g, f(x)⟩`.
    private func localFinding(
        _ context: CheckContext, layer: Int, input: Tensor<Double>, outputGradient g: Tensor<Double>, inputGradient: Tensor<Double>,
        training: Bool, mask: Tensor<Double>?, kinks: inout Int
    ) throws(ModelError) -> Finding? {
        let model = context.model, tolerances = Tolerances(precision: context.precision)
        func projected(_ x: Tensor<Double>) throws(ModelError) -> Double {
            let y = try model.layerForward(layer, inputs: x, training: training, mask: mask)
            return zip(g.scalars, y.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var probe = DifferenceProbe(baseLoss: try projected(input), tolerances: tolerances)
        var fit = ScaleFit(tolerances: tolerances), worst = GradientCheck.Worst()
        for i in positions(input.count) {
            let result = try probe.compare(inputGradient.scalars[i]) { amount throws(ModelError) in
                var moved = input
                moved.scalars[i] = context.precision.rounded(input.scalars[i] + amount)
                return (try projected(moved), moved.scalars[i] - input.scalars[i])
            }
            guard let (error, numerical) = result else { continue }
            fit.add(analytic: inputGradient.scalars[i], numerical: numerical)
            worst.keep(error, at: input.position(i), analytic: inputGradient.scalars[i], numerical: numerical)
        }
        kinks += probe.kinks
        guard worst.error > tolerances.gradientError else { return nil }
        return Finding(layer: layer, mode: training ? "training" : "evaluation", worst: worst, scale: fit.commonScale)
    }

    /// Dropout against its own mask and batchnorm through the batch statistics, in one
    /// training-mode pass whose layer inputs are rebuilt layer by layer under the pass's masks.
    private func trainingFindings(
        _ context: CheckContext, batch: (inputs: Tensor<Double>, targets: Tensor<Double>), kinks: inout Int
    ) throws(ModelError) -> [Finding] {
        let model = context.model, tolerances = Tolerances(precision: context.precision)
        let pass = try model.layerGradients(inputs: batch.inputs, targets: batch.targets, training: true)
        defer { _ = try? context.build() }
        var findings: [Finding] = []
        var x = batch.inputs
        for (layer, spec) in context.layers.enumerated() {
            let mask = pass.masks[layer]
            switch spec {
            case .dropout:
                guard let mask else { throw .failed(.layerGradients, "no mask for the dropout layer \(layer) in a training-mode pass") }
                var fit = ScaleFit(tolerances: tolerances), worst = GradientCheck.Worst()
                for i in 0..<x.count {
                    let (analytic, expected) = (pass.inputs[layer].scalars[i], pass.outputs[layer].scalars[i] * mask.scalars[i])
                    let error = Swift.abs(analytic - expected) / Swift.max(Swift.abs(analytic), Swift.abs(expected), tolerances.gradientFloor)
                    fit.add(analytic: analytic, numerical: expected)
                    worst.keep(error, at: x.position(i), analytic: analytic, numerical: expected)
                }
                if worst.error > tolerances.gradientError {
                    findings.append(Finding(layer: layer, mode: "training", worst: worst, scale: fit.commonScale))
                }
            case .batchNorm:
                if let finding = try localFinding(
                    context, layer: layer, input: x, outputGradient: pass.outputs[layer], inputGradient: pass.inputs[layer],
                    training: true, mask: nil, kinks: &kinks)
                {
                    findings.append(finding)
                }
            default:
                break
            }
            x = try model.layerForward(layer, inputs: x, training: true, mask: mask)
        }
        return findings.reversed()
    }

    /// Up to ``entries`` evenly spread positions among `count`.
    private func positions(_ count: Int) -> [Int] {
        let n = Swift.min(entries, count)
        return (0..<n).map { $0 * count / n }
    }

    private func failure(_ first: Finding, all findings: [Finding], context: CheckContext, bound: String, notes: [String]) -> CheckOutcome {
        let worst = first.worst
        let others = findings.dropFirst().map { $0.layer.map { context.describe(layer: $0) } ?? "the loss" }
        let also = others.isEmpty ? "" : "; also wrong on its own: " + others.joined(separator: ", ")
        let scale = first.scale.map { ", every compared entry \(short($0))× the numerical value" } ?? ""
        guard let layer = first.layer else {
            return .failed(
                "rel. error \(short(worst.error)) at the loss", bound: bound,
                "the loss's gradient d loss/d output\(worst.place) is \(short(worst.analytic)), central differences of the loss give "
                    + "\(short(worst.numerical))\(scale)\(also)",
                .lossGradient(context.loss, scale: first.scale, batch: 4, outputs: context.task.outputWidth), notes: notes)
        }
        return .failed(
            "rel. error \(short(worst.error)) at \(context.describe(layer: layer))", bound: bound,
            "the backward pass of \(context.describe(layer: layer)) is wrong (\(first.mode) mode): d loss/d input\(worst.place) is "
                + "\(short(worst.analytic)), its output gradient gives \(short(worst.numerical))\(scale)\(also)",
            .backward(of: context.layers[layer], scale: first.scale), notes: notes)
    }
}

/// Whether every compared pair (analytic, numerical) is off by one common factor: the
/// least-squares factor `Σ a·n / Σ n²`, kept when every pair fits it within the gradient bound.
struct ScaleFit {
    let tolerances: Tolerances
    private var pairs: [(analytic: Double, numerical: Double)] = []

    init(tolerances: Tolerances) {
        self.tolerances = tolerances
    }

    mutating func add(analytic: Double, numerical: Double) {
        pairs.append((analytic, numerical))
    }

    /// The common factor, when there is one other than 1 and the values are not all below the floor.
    var commonScale: Double? {
        let product = pairs.reduce(0) { $0 + $1.analytic * $1.numerical }
        let squares = pairs.reduce(0) { $0 + $1.numerical * $1.numerical }
        guard squares > 0, pairs.contains(where: { Swift.abs($0.numerical) > tolerances.gradientFloor }) else { return nil }
        let scale = product / squares
        let fits = pairs.allSatisfy { pair in
            Swift.abs(pair.analytic - scale * pair.numerical)
                <= tolerances.gradientError * Swift.max(Swift.abs(pair.analytic), Swift.abs(scale * pair.numerical), tolerances.gradientFloor)
        }
        return fits && Swift.abs(scale - 1) > tolerances.gradientError ? scale : nil
    }
}
