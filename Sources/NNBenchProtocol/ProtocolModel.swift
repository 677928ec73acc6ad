import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// A program in any language, speaking the model protocol of `PROTOCOL.md` over its standard
/// input and output, as a ``CheckableModel``.
///
/// The program starts at the first op. Every answer is bounded in time, size and shape; when the
/// program exits, hangs, writes something that is not a valid answer or sends a tensor of the wrong
/// shape, the model ends it and its children, keeps the report in ``failure``, and answers every
/// further op with a short "not run" error, so the checks report rather than crash. An `ok: false`
/// answer is not such a failure: it becomes ``ModelError/failed(_:_:)`` for that op only.
///
/// Values the program computes (outputs, losses, gradients) may be non-finite: that is a finding
/// the checks diagnose, not a protocol failure. Shapes, ids and counts must be exact.
public final class ProtocolModel: CheckableModel {
    /// The shell command that starts the program.
    public let command: String
    /// The longest wait for one answer, in seconds.
    public let timeout: Double
    /// How long the program has to exit after `shutdown` or SIGTERM before SIGKILL, in seconds.
    public let grace: Double
    /// The longest answer line accepted, in bytes.
    public let maxLineBytes: Int
    /// Where the program's whole standard error goes too, or `nil`.
    public let log: ProgramLog?
    /// What ended the program, with the request and the last lines of its standard error, once
    /// something has.
    public private(set) var failure: String?

    private var process: ProgramProcess?
    private var nextID = 1
    private var info: ModelInfo?
    private var architecture: ResolvedArchitecture?
    /// The last request sent, as reported with a failure found in its answer.
    private var lastRequest = ""
    /// The op whose request the program failed on.
    private var failedOp = ""

    /// Describes the program; nothing starts before the first op.
    ///
    /// - Parameters:
    ///   - command: Run with `/bin/sh -c` in the current directory.
    ///   - timeout: The longest wait for one answer, in seconds.
    ///   - grace: The time to exit after `shutdown` or SIGTERM, in seconds.
    ///   - maxLineBytes: The longest answer line accepted.
    ///   - log: Where the program's whole standard error goes too; one log may serve several models.
    public init(command: String, timeout: Double = 5, grace: Double = 1, maxLineBytes: Int = 64 << 20, log: ProgramLog? = nil) {
        self.command = command
        self.timeout = timeout
        self.grace = grace
        self.maxLineBytes = maxLineBytes
        self.log = log
    }

    deinit {
        process?.end(grace: 0)
    }

    /// The process id of the running program, while it runs.
    var processID: Int32? { process.map(\.pid) }

    public func hello() throws(ModelError) -> ModelInfo {
        if let info { return info }
        let answer = try request(.hello, [:])
        guard answer["protocol"]?.integer == 1 else {
            throw fail(.hello, "answered 'hello' with protocol \(answer["protocol"]?.brief ?? "missing"); nnbench speaks protocol 1",
                       hint: "answer {\"id\": ..., \"ok\": true, \"protocol\": 1, ...}")
        }
        guard case .string(let dtype) = answer["dtype"], let precision = Precision(rawValue: dtype) else {
            throw fail(.hello, "answered 'hello' with dtype \(answer["dtype"]?.brief ?? "missing"); expected \"float32\" or \"float64\"",
                       hint: "say which precision the program computes in")
        }
        guard case .array(let listed) = answer["ops"] else {
            throw fail(.hello, "answered 'hello' without an 'ops' array", hint: "list the optional ops it offers, e.g. [\"gradients\", \"step\", \"trace\"]")
        }
        var ops: Set<ModelOp> = [.hello, .build, .getParams, .setParams, .forward, .loss]
        // Names nnbench does not know are ops of a later protocol version: ignored.
        for case .string(let name) in listed { if let op = ModelOp(rawValue: name) { ops.insert(op) } }
        var layerTypes: Set<String>?
        if case .array(let types) = answer["layers"] {
            layerTypes = Set(types.compactMap { if case .string(let type) = $0 { type } else { nil } })
        }
        let name = if case .string(let name) = answer["name"] { name } else { command }
        let info = ModelInfo(name: name, precision: precision, ops: ops, layerTypes: layerTypes)
        self.info = info
        return info
    }

    public func build(_ model: ModelSpec, loss: Loss, seed: UInt64) throws(ModelError) -> [ParameterShape] {
        let resolved: ResolvedArchitecture
        do { resolved = try model.resolve(outputWidth: nil) } catch { throw .failed(.build, error.description) }
        architecture = nil
        let answer = try request(.build, [
            "model": JSONValue(foundation: model.jsonModel), "loss": .string(loss.rawValue),
            // Seeds above 2^53 would not survive a JSON number in most languages.
            "seed": .number(Double(seed & (1 << 53 - 1))),
        ])
        let expected = resolved.parameters.map { ParameterShape(name: $0.name, shape: $0.shape) }
        guard case .array(let entries) = answer["params"] else {
            throw fail(.build, "answered 'build' without a 'params' array", hint: "answer params: [{\"name\": \"0.weight\", \"shape\": [...]}, ...]")
        }
        let announced = entries.map { entry -> ParameterShape? in
            guard case .string(let name) = entry["name"], let shape = Self.shape(entry["shape"]) else { return nil }
            return ParameterShape(name: name, shape: shape)
        }
        guard announced == expected else {
            let got = announced.map { $0.map { "\($0.name) \($0.shape)" } ?? "(unreadable)" }
            throw fail(.build, "announced the parameters \(got), but the model has \(expected.map { "\($0.name) \($0.shape)" })",
                       hint: "name parameters 'L.weight'/'L.bias' with L the layer's index (activations count), shaped as PROTOCOL.md's table says")
        }
        architecture = resolved
        return expected
    }

    public func parameters() throws(ModelError) -> [String: Tensor<Double>] {
        let architecture = try built(.getParams)
        let answer = try request(.getParams, [:])
        return try parameterTensors(answer["params"], architecture, op: .getParams, field: "params")
    }

    public func setParameters(_ values: [String: Tensor<Double>]) throws(ModelError) {
        let architecture = try built(.setParams)
        let expected = Set(architecture.parameters.map(\.name))
        guard Set(values.keys) == expected else {
            throw .failed(.setParams, "expected the parameters \(expected.sorted()), got \(values.keys.sorted())")
        }
        _ = try request(.setParams, ["params": .object(values.mapValues(JSONValue.init(tensor:)))])
    }

    public func forward(_ inputs: Tensor<Double>, training: Bool, trace: Bool) throws(ModelError) -> ForwardResult {
        let architecture = try built(.forward)
        if trace, !(info?.ops.contains(.trace) ?? false) { throw .unsupported(.trace) }
        let answer = try request(.forward, ["x": JSONValue(tensor: inputs), "train": .bool(training), "trace": .bool(trace)])
        let n = inputs.shape.first ?? 0
        let output = try tensor(answer["y"], shape: [n] + architecture.outputShape, op: .forward, field: "y")
        guard trace else { return ForwardResult(output: output) }
        guard case .array(let layers) = answer["trace"], layers.count == architecture.layers.count else {
            throw fail(.forward, "answered 'forward' with trace: true without a 'trace' array of \(architecture.layers.count) tensors (one per layer)",
                       hint: "return every layer's output in order, activations included")
        }
        var outputs: [Tensor<Double>] = []
        for (i, layer) in architecture.layers.enumerated() {
            outputs.append(try tensor(layers[i], shape: [n] + layer.outputShape, op: .forward, field: "trace[\(i)]"))
        }
        return ForwardResult(output: output, trace: outputs)
    }

    public func loss(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> Double {
        _ = try built(.loss)
        return try number(try request(.loss, ["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets)]), "loss", op: .loss)
    }

    public func gradients(inputs: Tensor<Double>, targets: Tensor<Double>) throws(ModelError) -> GradientResult {
        let architecture = try built(.gradients)
        guard info?.ops.contains(.gradients) ?? false else { throw .unsupported(.gradients) }
        let answer = try request(.gradients, ["x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets)])
        let loss = try number(answer, "loss", op: .gradients)
        return GradientResult(loss: loss, gradients: try parameterTensors(answer["grads"], architecture, op: .gradients, field: "grads"))
    }

    public func step(inputs: Tensor<Double>, targets: Tensor<Double>, optimizer: OptimizerSpec) throws(ModelError) -> Double {
        _ = try built(.step)
        guard info?.ops.contains(.step) ?? false else { throw .unsupported(.step) }
        let answer = try request(.step, [
            "x": JSONValue(tensor: inputs), "y": JSONValue(tensor: targets), "optimizer": JSONValue(foundation: optimizer.jsonObject),
        ])
        return try number(answer, "loss", op: .step)
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

    // MARK: The exchange

    /// Sends one request and returns its `ok: true` answer.
    private func request(_ op: RequestOp, _ fields: [String: JSONValue]) throws(ModelError) -> JSONValue {
        if failure != nil {
            throw .failed(op.modelOp, "not run: the program failed earlier, at '\(failedOp)'")
        }
        let id = nextID
        nextID += 1
        var object = fields
        object["id"] = .number(Double(id))
        object["op"] = .string(op.name)
        let line: [UInt8]
        do { line = try JSONWriter.write(.object(object)) + [UInt8(ascii: "\n")] } catch {
            throw .failed(op.modelOp, "nnbench does not send non-finite numbers, and this request holds one")
        }
        let process: ProgramProcess
        if let running = self.process {
            process = running
        } else {
            do { process = try ProgramProcess(command: command, log: log) } catch {
                failure = "could not start '\(command)': \(error.description)"
                failedOp = op.name
                throw .failed(op.modelOp, failure!)
            }
            self.process = process
        }
        let requestText = String(decoding: line.dropLast().prefix(300), as: UTF8.self) + (line.count > 301 ? "…" : "")
        lastRequest = requestText
        let answerLine: [UInt8]
        do {
            answerLine = try process.exchange(line, timeout: timeout, maxLineBytes: maxLineBytes)
        } catch {
            switch error {
            case .exited(let how):
                throw fail(op, request: requestText, "\(how) instead of answering",
                           hint: "run the command by hand with this request on its standard input and read the error")
            case .timedOut(let seconds):
                throw fail(op, request: requestText, "did not answer within \(Self.seconds(seconds))",
                           hint: "answer every request with one line and flush standard output (Python: print(..., flush=True)), or raise --timeout")
            case .lineTooLong(let limit):
                throw fail(op, request: requestText, "answered a line longer than \(limit) bytes",
                           hint: "answer with one compact JSON object per line")
            }
        }
        let answer: JSONValue
        do { answer = try JSONReader().read(answerLine) } catch {
            let shown = String(decoding: answerLine.prefix(120), as: UTF8.self)
            throw fail(op, request: requestText, "answered a line that is not JSON (\(error)): \(shown)\(answerLine.count > 120 ? "…" : "")",
                       hint: "write only the answers on standard output, and anything else on standard error")
        }
        guard case .object = answer else {
            throw fail(op, request: requestText, "answered \(answer.brief), not a JSON object", hint: "answer with one JSON object per request")
        }
        guard answer["id"]?.integer == id else {
            throw fail(op, request: requestText, "answered with id \(answer["id"]?.brief ?? "missing") to the request with id \(id)",
                       hint: "repeat the request's id in the answer, and answer requests in order")
        }
        switch answer["ok"] {
        case .bool(true): return answer
        case .bool(false):
            let reason = if case .string(let text) = answer["error"] { text } else { "(no 'error' given)" }
            throw .failed(op.modelOp, "the program answered ok: false: \(reason)")
        default:
            throw fail(op, request: requestText, "answered without \"ok\": true or false", hint: "add \"ok\": true to every successful answer")
        }
    }

    /// Ends the program, records the whole report in ``failure``, and returns the op's error,
    /// which carries the report's first line only: the checks repeat it, the report is told once.
    private func fail(_ op: RequestOp, request: String, _ what: String, hint: String) -> ModelError {
        var summary = "the program \(what) (request '\(op.name)')"
        if let process, process.exitDescription == nil {
            let killed = process.end(grace: grace)
            summary += killed ? "; nnbench ended it with SIGTERM, then SIGKILL after \(Self.seconds(grace))" : "; nnbench ended it with SIGTERM"
        } else {
            process?.end(grace: grace)
        }
        var report = summary + "\n  request: \(request)"
        let tail = process?.stderrTail.text ?? []
        report += tail.isEmpty ? "\n  standard error: (empty)" : "\n  last lines of its standard error:" + tail.map { "\n    | \($0)" }.joined()
        report += "\n  try: \(hint)"
        failure = report
        failedOp = op.name
        process = nil
        return .failed(op.modelOp, summary)
    }

    /// A failure found in an answer's content, after the exchange.
    private func fail(_ op: ModelOp, _ what: String, hint: String) -> ModelError {
        fail(RequestOp(op), request: lastRequest, what, hint: hint)
    }

    // MARK: Reading answers

    private func built(_ op: ModelOp) throws(ModelError) -> ResolvedArchitecture {
        guard let architecture else { throw .failed(op, "no network has been built") }
        return architecture
    }

    private func number(_ answer: JSONValue, _ field: String, op: ModelOp) throws(ModelError) -> Double {
        guard let value = answer[field]?.number else {
            throw fail(op, "answered '\(op)' without a number '\(field)' (got \(answer[field]?.brief ?? "nothing"))",
                       hint: "answer \"\(field)\": <number>")
        }
        return value
    }

    private func tensor(_ value: JSONValue?, shape expected: [Int], op: ModelOp, field: String) throws(ModelError) -> Tensor<Double> {
        guard let value, let shape = Self.shape(value["shape"]), case .array(let data)? = value["data"] else {
            throw fail(op, "answered '\(op)' with '\(field)' = \(value?.brief ?? "nothing"), not a tensor {\"shape\": [...], \"data\": [...]}",
                       hint: "write tensors as {\"shape\": [d0, ...], \"data\": [row-major values]}")
        }
        guard shape == expected else {
            throw fail(op, "answered '\(op)' with '\(field)' of shape \(shape); expected \(expected)",
                       hint: "check the layer's output shape and the parameter layout in PROTOCOL.md")
        }
        guard data.count == shape.reduce(1, *) else {
            throw fail(op, "answered '\(op)' with '\(field)' of shape \(shape) but \(data.count) values",
                       hint: "flatten the data in row-major order")
        }
        var scalars: [Double] = []
        scalars.reserveCapacity(data.count)
        for (i, element) in data.enumerated() {
            guard let number = element.number else {
                throw fail(op, "answered '\(op)' with '\(field)'.data[\(i)] = \(element.brief), not a number", hint: "send numbers only")
            }
            scalars.append(number)
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    private func parameterTensors(_ value: JSONValue?, _ architecture: ResolvedArchitecture, op: ModelOp, field: String) throws(ModelError) -> [String: Tensor<Double>] {
        let names = architecture.parameters.map(\.name)
        guard case .object(let fields)? = value, Set(fields.keys) == Set(names) else {
            let got = if case .object(let fields)? = value { "\(fields.keys.sorted())" } else { value?.brief ?? "nothing" }
            throw fail(op, "answered '\(op)' with '\(field)' holding \(got); expected exactly \(names)",
                       hint: "answer an object {name: tensor} with every parameter")
        }
        var tensors: [String: Tensor<Double>] = [:]
        for parameter in architecture.parameters {
            tensors[parameter.name] = try tensor(fields[parameter.name], shape: parameter.shape, op: op, field: "\(field).\(parameter.name)")
        }
        return tensors
    }

    private static func shape(_ value: JSONValue?) -> [Int]? {
        guard case .array(let dimensions)? = value else { return nil }
        let shape = dimensions.compactMap(\.integer).filter { $0 >= 0 }
        return shape.count == dimensions.count ? shape : nil
    }

    private static func seconds(_ value: Double) -> String {
        "\(JSONWriter.number(value)) s"
    }
}

/// An op as sent: the model ops plus `shutdown`, which no check uses.
private struct RequestOp {
    let name: String
    let modelOp: ModelOp

    init(_ op: ModelOp) {
        name = op.rawValue
        modelOp = op
    }

    private init(name: String, modelOp: ModelOp) {
        self.name = name
        self.modelOp = modelOp
    }

    static let hello = RequestOp(.hello), build = RequestOp(.build), getParams = RequestOp(.getParams)
    static let setParams = RequestOp(.setParams), forward = RequestOp(.forward), loss = RequestOp(.loss)
    static let gradients = RequestOp(.gradients), step = RequestOp(.step)
    /// Reported as a failure of `hello`'s group, the lifecycle, since it belongs to no model op.
    static let shutdown = RequestOp(name: "shutdown", modelOp: .hello)
}
