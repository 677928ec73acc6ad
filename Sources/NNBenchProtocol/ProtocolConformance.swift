import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// `nnbench check --exec CMD --conformance`: drives every op of the model protocol once on a small
/// network (dense layers with the dropout and batchnorm layers the program builds, softmax
/// cross-entropy), holds every answer to its JSON Schema and to the protocol's rules, and reports
/// each breach with the field, what the program sent and what was expected. No check runs.
public enum ProtocolConformance {
    /// How one op went.
    public struct Step: Sendable, Hashable, Codable {
        /// The op and its mode, e.g. `gradients (training, trace)`.
        public let name: String
        /// `conforms`, `breaks the protocol`, `refused` (an `ok: false` answer, which is allowed),
        /// `not offered` (an optional op the program does not list) or `not run`.
        public let outcome: String
        /// The reason of a refusal or of a skip.
        public let detail: String?
    }

    /// The outcome of a conformance run.
    public struct Result: Sendable, Codable {
        /// What the program said in `hello`, once it said it: name, precision, version.
        public var program: String?
        /// Every op driven, in order.
        public var steps: [Step] = []
        /// Every breach found.
        public var violations: [ProtocolViolation] = []
        /// What ended the program early, if something did.
        public var failure: String?
        /// Every request and answer line, when recorded.
        public var transcript: [String] = []

        /// Whether the program kept every rule.
        public var conforms: Bool { violations.isEmpty && failure == nil }
    }

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

    /// Every op once, in the order of docs/protocol.md's table.
    private static func drive(_ model: ProtocolModel, into result: inout Result) {
        func step(_ name: String, _ body: () throws(ModelError) -> Void) {
            let before = model.violations.count
            guard model.failure == nil else {
                result.steps.append(Step(name: name, outcome: "not run", detail: "the program failed earlier"))
                return
            }
            do {
                try body()
                result.steps.append(Step(name: name, outcome: model.violations.count > before ? "breaks the protocol" : "conforms", detail: nil))
            } catch .unsupported(let op) {
                result.steps.append(Step(name: name, outcome: "not offered", detail: "the program does not list '\(op)'"))
            } catch .requiresVersion(_, let what) {
                result.steps.append(Step(name: name, outcome: "not offered", detail: "\(what) is version 2; the program speaks version 1"))
            } catch {
                let broke = model.violations.count > before || model.failure != nil
                result.steps.append(Step(name: name, outcome: broke ? "breaks the protocol" : "refused", detail: broke ? nil : error.description))
            }
        }
        var info: ModelInfo?
        step("hello") { () throws(ModelError) in info = try model.hello() }
        guard let info else { return }
        result.program = "\(info.name) (\(info.precision.rawValue), protocol \(info.version))"
        let (spec, batch) = network(for: info)
        var shapes: [ParameterShape] = []
        step("build") { () throws(ModelError) in shapes = try model.build(spec, loss: .softmaxCrossEntropy, seed: 7) }
        guard !shapes.isEmpty else {
            model.shutdown()
            return
        }
        var values: [String: Tensor<Double>] = [:]
        step("get_params") { () throws(ModelError) in values = try model.parameters() }
        step("set_params") { () throws(ModelError) in try model.setParameters(values) }
        step("forward") { () throws(ModelError) in _ = try model.forward(batch.x, training: false, trace: false) }
        step("forward (trace)") { () throws(ModelError) in _ = try model.forward(batch.x, training: false, trace: true) }
        step("forward (training, trace)") { () throws(ModelError) in
            if info.version < 2 { throw .requiresVersion(2, "a training trace with masks") }
            _ = try model.forward(batch.x, training: true, trace: true)
        }
        step("loss") { () throws(ModelError) in _ = try model.loss(inputs: batch.x, targets: batch.y) }
        step("gradients") { () throws(ModelError) in _ = try model.gradients(inputs: batch.x, targets: batch.y) }
        step("gradients (training, trace)") { () throws(ModelError) in
            _ = try model.gradients(inputs: batch.x, targets: batch.y, training: true, trace: true)
        }
        step("step (sgd)") { () throws(ModelError) in try model.step(inputs: batch.x, targets: batch.y, optimizer: .sgd(learningRate: 0.1)) }
        step("step (adam, evaluation, trace)") { () throws(ModelError) in
            _ = try model.step(inputs: batch.x, targets: batch.y, optimizer: .adam(learningRate: 0.01), training: false, trace: true)
        }
        step("layer_gradients") { () throws(ModelError) in _ = try model.layerGradients(inputs: batch.x, targets: batch.y, training: false) }
        step("layer_gradients (training)") { () throws(ModelError) in
            _ = try model.layerGradients(inputs: batch.x, targets: batch.y, training: true)
        }
        step("layer_forward") { () throws(ModelError) in _ = try model.layerForward(0, inputs: batch.x, training: false, mask: nil) }
        step("loss_from_layer") { () throws(ModelError) in _ = try model.loss(fromLayer: 0, inputs: batch.x, targets: batch.y) }
        step("shutdown") { () throws(ModelError) in
            if let problem = model.shutdown() { throw .failed(.hello, problem) }
        }
    }

    /// Dense layers on three inputs, with batchnorm, tanh and dropout when the program builds them,
    /// three classes; four samples.
    static func network(for info: ModelInfo) -> (ModelSpec, (x: Tensor<Double>, y: Tensor<Double>)) {
        var layers: [LayerSpec] = [.dense(units: 5)]
        let builds = { (type: String) in info.layerTypes?.contains(type) ?? (info.version >= 2 || type == "tanh") }
        if builds("batchnorm") { layers.append(.batchNorm()) }
        if builds("tanh") { layers.append(.tanh) }
        if builds("dropout") { layers.append(.dropout(rate: 0.5)) }
        layers.append(.dense(units: 3))
        let x = Tensor<Double>(shape: [4, 3], scalars: (0..<12).map { Double($0 % 5) / 4 - 0.5 })
        let y = Tensor<Double>(shape: [4], scalars: [0, 1, 2, 1])
        return (ModelSpec(inputShape: [3], architecture: ArchitectureSpec(layers)), (x, y))
    }
}
