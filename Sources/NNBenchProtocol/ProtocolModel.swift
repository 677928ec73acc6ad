import NNBenchDatasets
import NNBenchEngine
import NNBenchIO
import NNBenchModel

/// A program in any language, speaking the model protocol (`docs/protocol.md`) over its standard
/// input and output, as a ``CheckableModel``.
///
/// The program starts at the first op. Its `hello` says which protocol version it speaks, 1 or 2,
/// and the model then uses only what that version defines: a check that needs more is skipped.
/// Every answer is bounded in time, size and shape; when the program exits, hangs, writes
/// something that is not a valid answer or sends a tensor of the wrong shape, the model ends it
/// and its children, keeps the report in ``failure``, and answers every further op with a short
/// "not run" error, so the checks report rather than crash. An `ok: false` answer is not such a
/// failure: it becomes ``ModelError/failed(_:_:)`` for that op only.
///
/// Values the program computes (outputs, losses, gradients) may be non-finite: that is a finding
/// the checks diagnose, not a protocol failure. Shapes, ids and counts must be exact.
public final class ProtocolModel: CheckableModel {
    /// The shell command that starts the program.
    public let command: String
    /// The longest wait for one answer, in seconds.
    public let timeout: Double
    /// The longest wait for the first answer, which includes the program's start, in seconds (when
    /// longer than ``timeout``): PyTorch alone takes seconds to import on a busy machine.
    public let startTimeout: Double
    /// How long the program has to exit after `shutdown` or SIGTERM before SIGKILL, in seconds.
    public let grace: Double
    /// The longest answer line accepted, in bytes.
    public let maxLineBytes: Int
    /// Where the program's whole standard error goes too, or `nil`.
    public let log: ProgramLog?
    /// What ended the program, with the request and the last lines of its standard error, once
    /// something has.
    public internal(set) var failure: String?

    /// Whether every answer is also held to its JSON Schema, and a breach of a rule is recorded
    /// in ``violations`` while the exchange goes on instead of ending the program
    /// (`nnbench check --exec CMD --conformance`). Breaches that leave nothing to read (an exit, a
    /// hang, a line that is not JSON, a wrong id) still end it.
    public var checksConformance = false
    /// The breaches found while ``checksConformance`` is on, in order.
    public internal(set) var violations: [ProtocolViolation] = []
    /// Whether every line sent and received is kept in ``transcript``.
    public var recordsTranscript = false
    /// Every request and answer line, in order, while ``recordsTranscript`` is on.
    public internal(set) var transcript: [String] = []
    /// The names `hello` listed in `ops` that nnbench ignores: not an op of the protocol, or one
    /// of a later version than the program's (conformance warns of them).
    public internal(set) var ignoredOps: [String] = []

    var process: ProgramProcess?
    var nextID = 1
    var info: ModelInfo?
    var architecture: ResolvedArchitecture?
    /// The last request sent, as reported with a failure found in its answer.
    var lastRequest = ""
    /// The op whose request the program failed on.
    var failedOp = ""
    /// The initial states `forward`, `loss` and `gradients` send (`initial_state`); `nil` for
    /// none, the protocol's zeros.
    var initialStates: [Int: RecurrentState<Double>]?

    /// Describes the program; nothing starts before the first op.
    ///
    /// - Parameters:
    ///   - command: Run with `/bin/sh -c` in the current directory.
    ///   - timeout: The longest wait for one answer, in seconds.
    ///   - startTimeout: The longest wait for the first answer, program start included, in seconds.
    ///   - grace: The time to exit after `shutdown` or SIGTERM, in seconds.
    ///   - maxLineBytes: The longest answer line accepted.
    ///   - log: Where the program's whole standard error goes too; one log may serve several models.
    public init(
        command: String, timeout: Double = 5, startTimeout: Double = 30, grace: Double = 1, maxLineBytes: Int = 64 << 20,
        log: ProgramLog? = nil
    ) {
        self.command = command
        self.timeout = timeout
        self.startTimeout = startTimeout
        self.grace = grace
        self.maxLineBytes = maxLineBytes
        self.log = log
    }

    deinit {
        process?.end(grace: 0)
    }

    /// The process id of the running program, while it runs.
    var processID: Int32? { process.map(\.pid) }

    /// The protocol version the program speaks, once it has said hello.
    var version: Int { info?.version ?? 1 }

    public func hello() throws(ModelError) -> ModelInfo {
        if let info { return info }
        let answer = try request(.hello, ["protocol": .number(Double(ModelInfo.current)), "nnbench": .string(ToolVersion.current)])
        guard let version = answer["protocol"]?.integer, (1...ModelInfo.current).contains(version) else {
            throw fail(.hello, "answered 'hello' with protocol \(answer["protocol"]?.brief ?? "missing"); nnbench speaks versions 1 and 2",
                       hint: "answer {\"id\": ..., \"ok\": true, \"protocol\": 2, ...} (or 1 for a version-1 program)", restating: [.field("protocol")])
        }
        guard case .string(let dtype) = answer["dtype"], let precision = Precision(rawValue: dtype) else {
            throw fail(.hello, "answered 'hello' with dtype \(answer["dtype"]?.brief ?? "missing"); expected \"float32\" or \"float64\"",
                       hint: "say which precision the program computes in", restating: [.field("dtype")])
        }
        guard case .array(let listed) = answer["ops"] else {
            throw fail(.hello, "answered 'hello' with ops \(answer["ops"]?.brief ?? "missing"); expected an array of op names", hint: "list the optional ops it offers, e.g. [\"gradients\", \"step\", \"trace\"]",
                       restating: [.field("ops")])
        }
        var ops = ModelOp.required
        // Names nnbench does not know, or of a later version than the program's, are ignored.
        for case .string(let name) in listed {
            if let op = ModelOp(rawValue: name), op.version <= version { ops.insert(op) } else if name != "shutdown" { ignoredOps.append(name) }
        }
        let info = ModelInfo(
            name: answer["name"]?.string ?? command, precision: precision, version: version, ops: ops,
            // Version 1 defines no lists: at most its own sets, so that later types are declined, not sent.
            layerTypes: version >= 2 ? Self.names(answer["layers"]) : (Self.names(answer["layers"]) ?? ModelInfo.version1LayerTypes)
                .intersection(ModelInfo.version1LayerTypes),
            losses: Self.names(answer["losses"]).map { Set($0.compactMap(Loss.init)) },
            optimizers: version >= 2 ? Self.names(answer["optimizers"]) : (Self.names(answer["optimizers"]) ?? ModelInfo.version1Optimizers)
                .intersection(ModelInfo.version1Optimizers))
        self.info = info
        return info
    }

    public func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] {
        let resolved: ResolvedArchitecture
        do { resolved = try model.resolve(outputWidth: nil) } catch { throw .failed(.build, error.description) }
        architecture = nil
        initialStates = nil
        let answer = try request(.build, [
            "model": try sendable(model, op: .build, userInfo: [.everyLayerField: version >= 2]),
            "loss": .string(loss.rawValue),
            // Seeds above 2^53 would not survive a JSON number in most languages.
            "seed": .number(Double(seed & (1 << 53 - 1))),
        ])
        let expected = resolved.layers.flatMap { layer in
            layer.parameters.map { ParameterShape(name: $0.name, shape: $0.shape) }
                + (version >= 2 ? layer.state.map { ParameterShape(name: $0.name, shape: $0.shape, trainable: false) } : [])
        }
        guard case .array(let entries) = answer["params"] else {
            throw fail(.build, "answered 'build' with params \(answer["params"]?.brief ?? "missing"); expected an array of {name, shape}", hint: "answer params: [{\"name\": \"0.weight\", \"shape\": [...]}, ...]",
                       restating: [.field("params")])
        }
        let announced = entries.map { entry -> ParameterShape? in
            guard case .string(let name) = entry["name"], let shape = Self.shape(entry["shape"]) else { return nil }
            let trainable = if case .bool(let flag) = entry["trainable"] { flag } else { true }
            return ParameterShape(name: name, shape: shape, trainable: trainable)
        }
        guard announced == expected else {
            func text(_ parameter: ParameterShape) -> String { "\(parameter.name) \(parameter.shape)" + (parameter.trainable ? "" : " (buffer)") }
            throw fail(.build, "announced the parameters \(announced.map { $0.map(text) ?? "(unreadable)" }), but the model has \(expected.map(text))",
                       hint: "name parameters 'L.weight'/'L.bias' with L the layer's index (activations count), shaped and ordered as docs/protocol.md's layer table says"
                        + (version >= 2 ? ", each layer's buffers (running_mean, running_var) after its parameters with \"trainable\": false" : ""),
                       // The list shows an entry it cannot read as "(unreadable)": the schema's finding in it is the same.
                       restating: [.field("params")] + announced.indices.filter { announced[$0] == nil }.map { .within("params[\($0)]") })
        }
        architecture = resolved
        return expected
    }

    public func parameters() throws(ModelError) -> [String: Tensor<Double>] {
        let architecture = try built(.getParams)
        let answer = try request(.getParams, [:])
        return try parameterTensors(answer["params"], expected: tensors(architecture), op: .getParams, field: "params")
    }

    public func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) {
        let expected = Set(tensors(try built(.setParams)).map(\.name))
        guard Set(values.keys) == expected else {
            throw .failed(.setParams, "expected the parameters \(expected.sorted()), got \(values.keys.sorted())")
        }
        _ = try request(.setParams, ["params": .object(values.mapValues(JSONValue.init(tensor:)))])
    }

    public func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
        let architecture = try built(.forward)
        if trace { try require(.trace) }
        let answer = try request(.forward, withInitialStates(["x": JSONValue(tensor: inputs), "train": .bool(training), "trace": .bool(trace)]))
        let n = inputs.shape.first ?? 0
        let output = try tensor(answer["y"], shape: [n] + architecture.outputShape, op: .forward, field: "y")
        return ForwardResult(output: output, trace: trace ? try readTrace(answer, architecture, samples: n, training: training, op: .forward) : nil)
    }

    public func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        _ = try built(.loss)
        return try number(try request(.loss, withInitialStates(["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets)])), "loss", op: .loss)
    }

    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> GradientResult {
        let architecture = try built(.gradients)
        try require(.gradients)
        var fields = ["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets)]
        if training || trace {
            try requireVersion(2, "'gradients' in training mode or with a trace")
            if trace { try require(.trace) }
        }
        // Version 2 always says which: a program need not know the defaults to answer right.
        if version >= 2 { (fields["train"], fields["trace"]) = (.bool(training), .bool(trace)) }
        let answer = try request(.gradients, withInitialStates(fields))
        let gradients = try parameterTensors(
            answer["grads"], expected: architecture.parameters.map { ($0.name, $0.shape) }, op: .gradients, field: "grads")
        return GradientResult(
            loss: try number(answer, "loss", op: .gradients), gradients: gradients,
            trace: trace ? try readTrace(answer, architecture, samples: inputs.shape[0], training: training, op: .gradients) : nil,
            initialStateGradients: try readInitialStateGradients(answer))
    }

    public func step(
        inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec, training: Bool, trace: Bool
    ) throws(ModelError) -> StepResult {
        let architecture = try built(.step)
        try require(.step)
        var fields = ["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets), "optimizer": try sendable(optimizer, op: .step)]
        if !training || trace {
            try requireVersion(2, "'step' in evaluation mode or with a trace")
            if trace { try require(.trace) }
        }
        if version >= 2 { (fields["train"], fields["trace"]) = (.bool(training), .bool(trace)) }
        if version < 2, optimizer.name == "adamw" || optimizer.name == "rmsprop" {
            throw .requiresVersion(2, "the optimizer '\(optimizer.name)'")
        }
        let answer = try request(.step, fields)
        return StepResult(
            loss: try number(answer, "loss", op: .step),
            trace: trace ? try readTrace(answer, architecture, samples: inputs.shape[0], training: training, op: .step) : nil)
    }

    public func layerGradients(inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool) throws(ModelError) -> LayerGradients {
        let architecture = try built(.layerGradients)
        try require(.layerGradients)
        let answer = try request(.layerGradients, ["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets), "train": .bool(training)])
        let n = inputs.shape[0]
        let inputShapes = architecture.layers.map { [n] + $0.inputShape }, outputShapes = architecture.layers.map { [n] + $0.outputShape }
        return LayerGradients(
            loss: try number(answer, "loss", op: .layerGradients),
            inputs: try tensors(answer["input_grads"], shapes: inputShapes, op: .layerGradients, field: "input_grads"),
            outputs: try tensors(answer["output_grads"], shapes: outputShapes, op: .layerGradients, field: "output_grads"),
            masks: training ? try readMasks(answer, architecture, samples: n, op: .layerGradients) : [:])
    }

    public func layerForward(_ layer: Int, inputs: Tensor<Double>, training: Bool, mask: Tensor<Double>?) throws(ModelError) -> Tensor<Double> {
        let architecture = try built(.layerForward)
        try require(.layerForward)
        guard architecture.layers.indices.contains(layer) else { throw .failed(.layerForward, "no layer \(layer)") }
        var fields: [String: JSONValue] = ["layer": .number(Double(layer)), "x": JSONValue(tensor: inputs), "train": .bool(training)]
        if let mask { fields["mask"] = JSONValue(tensor: mask) }
        let answer = try request(.layerForward, fields)
        return try tensor(answer["y"], shape: [inputs.shape[0]] + architecture.layers[layer].outputShape, op: .layerForward, field: "y")
    }

    public func loss(fromLayer layer: Int, inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        let architecture = try built(.lossFromLayer)
        try require(.lossFromLayer)
        guard (0...architecture.layers.count).contains(layer) else { throw .failed(.lossFromLayer, "no layer \(layer)") }
        let answer = try request(.lossFromLayer, ["layer": .number(Double(layer)), "x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets)])
        return try number(answer, "loss", op: .lossFromLayer)
    }

    public func setInitialStates(_ states: [Int: RecurrentState<Double>]?) throws(ModelError) {
        let architecture = try built(.initialState)
        guard let states else {
            initialStates = nil
            return
        }
        try require(.initialState)
        for (index, state) in states {
            guard architecture.layers.indices.contains(index), architecture.layers[index].spec.isRecurrent else {
                throw .failed(.initialState, "layer \(index) is not a recurrent layer")
            }
            let isLSTM = if case .lstm = architecture.layers[index].spec { true } else { false }
            let shape = [state.hidden.shape.first ?? 0, architecture.layers[index].outputShape.last!]
            guard state.hidden.shape == shape, state.cell?.shape == (isLSTM ? shape : nil) else {
                throw .failed(.initialState, "layer \(index)'s state is not \(isLSTM ? "h and c" : "h") of shape [n, units]")
            }
        }
        initialStates = states
    }

    /// Asks the program to exit (`shutdown`) and makes sure it and its children have.
    ///
    /// - Returns: `nil` when it exited by itself, or what had to be done: it ignored `shutdown`
    ///   and was ended after the grace period.
    @discardableResult
    public func shutdown() -> String? {
        guard let process, failure == nil else { return nil }
        defer { self.process = nil }
        do {
            _ = try request(.shutdown, [:])
        } catch {
            return failure
        }
        if process.waitForExit(seconds: grace) {
            process.end(grace: grace)
            return nil
        }
        let killed = process.end(grace: grace)
        return "the program did not exit within \(Self.seconds(grace)) of 'shutdown'; it was sent SIGTERM"
            + (killed ? " and, still running after \(Self.seconds(grace)), SIGKILL" : "") + "\n  try: exit with status 0 after answering 'shutdown'"
    }

    /// Throws ``ModelError/unsupported(_:)`` unless the program listed `op`.
    private func require(_ op: ModelOp) throws(ModelError) {
        guard info?.ops.contains(op) ?? false else { throw .unsupported(op) }
    }

    /// Throws ``ModelError/requiresVersion(_:_:)`` unless the program speaks `version` or later.
    private func requireVersion(_ version: Int, _ what: String) throws(ModelError) {
        guard self.version >= version else { throw .requiresVersion(version, what) }
    }

    /// The names and shapes `get_params` and `set_params` carry: the parameters, and in version 2
    /// the buffers.
    private func tensors(_ architecture: ResolvedArchitecture) -> [(name: String, shape: [Int])] {
        architecture.parameters.map { ($0.name, $0.shape) } + (version >= 2 ? architecture.state.map { ($0.name, $0.shape) } : [])
    }
}
