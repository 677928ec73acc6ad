import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// `nnbench check --exec CMD --conformance`: drives every op of the model protocol once on a small
/// network built of what the program's `hello` offers (``Plan``), and, for a program listing
/// `initial_state` and a recurrent layer, `forward`, `loss` and `gradients` with initial states
/// on a recurrent network, holds every answer to its JSON
/// Schema and to the protocol's rules, and reports each breach with the field, what the program
/// sent and what was expected, and each op it could not drive. No check runs.
public enum ProtocolConformance {
    /// Runs the program through every op once.
    ///
    /// - Parameters:
    ///   - command: Run with `/bin/sh -c`.
    ///   - timeout: The longest wait for one answer, in seconds.
    ///   - log: Where the program's whole standard error goes too, or `nil`.
    ///   - records: Whether to keep the transcript.
    public static func run(command: String, timeout: Double, log: ProgramLog?, records: Bool = false) -> Result {
        let model = ProtocolModel(command: command, timeout: timeout, log: log)
        model.checksConformance = true
        model.recordsTranscript = records
        var result = Result()
        drive(model, into: &result)
        result.violations = model.violations
        result.failure = model.failure
        result.transcript = model.transcript
        return result
    }

    /// Every op once, in the order of docs/protocol.md's table. An op that cannot be sent is still
    /// listed, with why, so that the report never passes over it in silence.
    private static func drive(_ model: ProtocolModel, into result: inout Result) {
        var info: ModelInfo?
        // Why no network is built yet: every op after `build` needs one.
        var unbuilt: String? = "no usable answer to 'hello': nnbench does not know what the program offers"
        func step(
            _ name: String, needs ops: [ModelOp] = [], version: Int = 1, blocked: String? = nil, _ body: () throws(ModelError) -> Void
        ) {
            func skip(_ outcome: String, _ detail: String) { result.steps.append(Step(name: name, outcome: outcome, detail: detail)) }
            guard model.failure == nil else { return skip("not run", "the program failed earlier") }
            if let info {
                if version > info.version { return skip("not offered", "\(name) is version \(version); the program speaks version \(info.version)") }
                if let missing = ops.first(where: { !info.ops.contains($0) }) { return skip("not offered", "the program does not list '\(missing)'") }
            }
            if let blocked { return skip("not run", blocked) }
            let before = model.violations.count
            do {
                try body()
                result.steps.append(Step(name: name, outcome: model.violations.count > before ? "breaks the protocol" : "conforms", detail: nil))
            } catch .unsupported(let op) {
                skip("not offered", "the program does not list '\(op)'")
            } catch .requiresVersion(_, let what) {
                skip("not offered", "\(what) is version 2; the program speaks version 1")
            } catch {
                let broke = model.violations.count > before || model.failure != nil
                result.steps.append(Step(name: name, outcome: broke ? "breaks the protocol" : "refused", detail: broke ? nil : error.description))
            }
        }

        step("hello") { () throws(ModelError) in info = try model.hello() }
        var plan: Plan?
        if let info {
            result.program = "\(info.name) (\(info.precision.rawValue), protocol \(info.version))"
            result.warnings = warnings(ignoredOps: model.ignoredOps, version: info.version)
            do throws(Plan.Unbuildable) {
                plan = try Plan(for: info)
                result.network = plan?.description
            } catch {
                unbuilt = "nnbench cannot build a network: \(error.reason)"
            }
        }

        var shapes: [ParameterShape] = []
        step("build", blocked: plan == nil ? unbuilt : nil) { () throws(ModelError) in
            guard let plan else { return }
            shapes = try model.build(plan.model, loss: plan.loss, seed: 7)
        }
        if let plan, let last = result.steps.last {
            if last.outcome == "refused" {
                // The program's own lists offered all of it: the refusal is the program's to explain.
                result.steps[result.steps.count - 1] = Step(
                    name: last.name, outcome: last.outcome,
                    detail: (last.detail ?? "") + "; asked for \(plan.description), all of which its hello offers")
            }
            unbuilt = shapes.isEmpty ? "no network was built ('build' \(last.outcome))" : nil
        }
        let x = plan?.x ?? Tensor(shape: [0], scalars: []), y = plan?.y ?? Tensor(shape: [0], scalars: [])

        var values: [String: Tensor<Double>] = [:]
        step("get_params", blocked: unbuilt) { () throws(ModelError) in values = try model.parameters() }
        step("set_params", blocked: unbuilt) { () throws(ModelError) in
            // Without get_params' values (it broke the protocol), set_params is still driven, with made-up ones.
            if values.isEmpty {
                values = Dictionary(uniqueKeysWithValues: shapes.map { ($0.name, Tensor(shape: $0.shape, scalars: Array(repeating: 0.1, count: $0.shape.reduce(1, *)))) })
            }
            try model.setParameters(values)
        }
        step("forward", blocked: unbuilt) { () throws(ModelError) in _ = try model.forward(x, training: false, trace: false) }
        step("forward (trace)", needs: [.trace], blocked: unbuilt) { () throws(ModelError) in _ = try model.forward(x, training: false, trace: true) }
        step("forward (training, trace)", needs: [.trace], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.forward(x, training: true, trace: true)
        }
        step("loss", blocked: unbuilt) { () throws(ModelError) in _ = try model.loss(inputs: x, targets: y) }
        step("gradients", needs: [.gradients], blocked: unbuilt) { () throws(ModelError) in _ = try model.gradients(inputs: x, targets: y) }
        step("gradients (training, trace)", needs: [.gradients, .trace], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.gradients(inputs: x, targets: y, training: true, trace: true)
        }
        // The two steps use two of the program's optimizers when it offers two.
        let optimizers = plan?.optimizers ?? []
        let noOptimizer = plan == nil || !optimizers.isEmpty ? nil
            : "the program lists 'step', but its hello's optimizers name none of its version's (version 1: sgd, adam; version 2: also adamw, rmsprop)"
        let training = optimizers.first, evaluation = optimizers.dropFirst().first ?? optimizers.first
        step(training.map { "step (\($0.name))" } ?? "step", needs: [.step], blocked: unbuilt ?? noOptimizer) { () throws(ModelError) in
            guard let training else { return }
            try model.step(inputs: x, targets: y, optimizer: training)
        }
        step("step (\(evaluation.map { "\($0.name), " } ?? "")evaluation, trace)", needs: [.step, .trace], version: 2, blocked: unbuilt ?? noOptimizer) {
            () throws(ModelError) in
            guard let evaluation else { return }
            _ = try model.step(inputs: x, targets: y, optimizer: evaluation, training: false, trace: true)
        }
        step("layer_gradients", needs: [.layerGradients], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.layerGradients(inputs: x, targets: y, training: false)
        }
        step("layer_gradients (training)", needs: [.layerGradients], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.layerGradients(inputs: x, targets: y, training: true)
        }
        step("layer_forward", needs: [.layerForward], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.layerForward(0, inputs: x, training: false, mask: nil)
        }
        step("loss_from_layer", needs: [.lossFromLayer], version: 2, blocked: unbuilt) { () throws(ModelError) in
            _ = try model.loss(fromLayer: 0, inputs: x, targets: y)
        }
        driveInitialState(model, plan: plan, info: info, step: step)
        // Whatever happened before, a running program is asked to exit, and its answer checked.
        step("shutdown") { () throws(ModelError) in
            // Not exiting after the answer breaks docs/protocol.md's rule for 'shutdown'; a failure of the
            // answer itself is already reported as the failure.
            guard let problem = model.shutdown(), model.failure == nil else { return }
            let parts = problem.components(separatedBy: "\n  try: ")
            model.violations.append(ProtocolViolation(op: "shutdown", request: model.lastRequest, what: parts[0], hint: parts.dropFirst().first ?? "exit with status 0"))
        }
    }

    /// The op `initial_state`, for a program that lists it and a recurrent layer: a recurrent
    /// network is built, and `forward`, `loss` and `gradients` carry nonzero initial states, so
    /// that the answers' `initial_state_grads` (presence, keys, shapes) are held to the rules.
    private static func driveInitialState(
        _ model: ProtocolModel, plan: Plan?, info: ModelInfo?,
        step: (String, [ModelOp], Int, String?, () throws(ModelError) -> Void) -> Void
    ) {
        guard let plan, let recurrent = plan.recurrent else { return }
        let n = recurrent.x.shape[0], units = recurrent.units
        let isLSTM = if case .lstm = recurrent.model.architecture.layers[0] { true } else { false }
        func state(_ offset: Int) -> Tensor<Double> {
            Tensor(shape: [n, units], scalars: (0..<(n * units)).map { Double(($0 + offset) % 5) / 5 - 0.4 })
        }
        var built = false
        step("build (recurrent, for initial_state)", [.initialState], 2, nil) { () throws(ModelError) in
            _ = try model.build(recurrent.model, loss: plan.loss, seed: 7)
            try model.setInitialStates([0: RecurrentState(hidden: state(0), cell: isLSTM ? state(2) : nil)])
            built = true
        }
        let blocked = built ? nil : "no recurrent network was built"
        step("forward (initial_state)", [.initialState], 2, blocked) { () throws(ModelError) in
            _ = try model.forward(recurrent.x, training: false, trace: false)
        }
        step("loss (initial_state)", [.initialState], 2, blocked) { () throws(ModelError) in
            _ = try model.loss(inputs: recurrent.x, targets: plan.y)
        }
        step("gradients (initial_state)", [.initialState, .gradients], 2, blocked) { () throws(ModelError) in
            _ = try model.gradients(inputs: recurrent.x, targets: plan.y, training: false, trace: false)
        }
    }
}
