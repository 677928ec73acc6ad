import NNBenchModel

extension ProtocolModel {
    /// Why a request that holds a non-finite number is not sent.
    static let nonFinite = "nnbench does not send non-finite numbers, and this request holds one"

    /// What a program that cannot take initial states does instead.
    static let dropInitialState = "a program that cannot take it removes \"initial_state\" from hello's ops, and nnbench then starts every recurrent layer from zeros"

    /// A model or an optimizer as a request carries it.
    func sendable(_ value: some Encodable, op: ModelOp, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws(ModelError) -> JSONValue {
        do { return try JSONValue(encoding: value, userInfo: userInfo) } catch { throw .failed(op, Self.nonFinite) }
    }
    /// Sends one request and returns its `ok: true` answer.
    func request(_ op: RequestOp, _ fields: [String: JSONValue]) throws(ModelError) -> JSONValue {
        if failure != nil {
            throw .notRun(op.modelOp, failedAt: failedOp)
        }
        let id = nextID
        nextID += 1
        var object = fields
        object["id"] = .number(Double(id))
        object["op"] = .string(op.name)
        let line: [UInt8]
        do { line = try JSONWriter.write(.object(object)) + [UInt8(ascii: "\n")] } catch {
            throw .failed(op.modelOp, Self.nonFinite)
        }
        let process: ProgramProcess
        // The first answer waits for the program to start too (an interpreter, a framework's
        // import): it gets at least ``startTimeout``.
        var wait = timeout
        if let running = self.process {
            process = running
        } else {
            wait = Swift.max(timeout, startTimeout)
            do { process = try ProgramProcess(command: command, log: log) } catch {
                failure = "could not start '\(command)': \(error.description)"
                failedOp = op.name
                throw .failed(op.modelOp, failure!)
            }
            self.process = process
        }
        let requestText = String(decoding: line.dropLast().prefix(300), as: UTF8.self) + (line.count > 301 ? "…" : "")
        lastRequest = requestText
        if recordsTranscript { transcript.append(String(decoding: line.dropLast(), as: UTF8.self)) }
        let carriesState = fields["initial_state"] != nil
        let answerLine: [UInt8]
        do {
            answerLine = try process.exchange(line, timeout: wait, maxLineBytes: maxLineBytes)
        } catch {
            switch error {
            case .exited(let how):
                throw fail(op, request: requestText, "\(how) instead of answering" + (carriesState ? " a request carrying initial_state" : ""),
                           hint: "run the command by hand with this request on its standard input and read the error"
                               + (carriesState ? "; \(Self.dropInitialState)" : ""))
            case .timedOut(let seconds):
                throw fail(op, request: requestText, "did not answer within \(Self.seconds(seconds))",
                           hint: "answer every request with one line and flush standard output (Python: print(..., flush=True)), or raise --timeout")
            case .lineTooLong(let limit):
                throw fail(op, request: requestText, "answered a line longer than \(limit) bytes",
                           hint: "answer with one compact JSON object per line")
            }
        }
        if recordsTranscript { transcript.append(String(decoding: answerLine, as: UTF8.self)) }
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
        if checksConformance {
            let schema = answer["ok"] == .bool(false) ? ProtocolMessages.error : ProtocolMessages.messages(of: op.name)?.answer
            for violation in schema?.violations(of: answer) ?? [] {
                violations.append(ProtocolViolation(
                    op: op.name, request: requestText, field: violation.path, what: "\(violation)", hint: "see \(schema!.name).schema.json in docs/protocol/"))
            }
        }
        switch answer["ok"] {
        case .bool(true): return answer
        case .bool(false):
            let reason = if case .string(let text) = answer["error"] { text } else { "(no 'error' given)" }
            throw .failed(op.modelOp, "the program answered ok: false: \(reason)"
                + (carriesState ? " (the request carried initial_state; \(Self.dropInitialState))" : ""))
        default:
            // The failure below says it; the schema's 'ok' violation would count it twice.
            forgetViolations(restatedBy: [.field("ok")], request: requestText, op: op.name)
            throw fail(op, request: requestText, "answered without \"ok\": true or false", hint: "add \"ok\": true to every successful answer")
        }
    }

    /// Ends the program, records the whole report in ``failure``, and returns the op's error,
    /// which carries the report's first line only: the checks repeat it, the report is told once.
    func fail(_ op: RequestOp, request: String, _ what: String, hint: String) -> ModelError {
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

    /// A failure found in an answer's content, after the exchange: the end of the program, or
    /// when checking conformance, a violation recorded while the exchange goes on, in place of the
    /// schema's violations of the same fields (`restating`), so that each problem counts once.
    func fail(_ op: ModelOp, _ what: String, hint: String, restating scopes: [FieldScope] = []) -> ModelError {
        guard checksConformance else { return fail(RequestOp(op), request: lastRequest, what, hint: hint) }
        let violation = ProtocolViolation(op: op.rawValue, request: lastRequest, field: scopes.first?.path, what: "the program \(what)", hint: hint)
        record(violation, restating: scopes)
        return .failed(op, "the program \(what)")
    }
}

/// An op as sent: the model ops plus `shutdown`, which no check uses.
struct RequestOp {
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
    static let layerGradients = RequestOp(.layerGradients), layerForward = RequestOp(.layerForward)
    static let lossFromLayer = RequestOp(.lossFromLayer)
    /// Reported as a failure of `hello`'s group, the lifecycle, since it belongs to no model op.
    static let shutdown = RequestOp(name: "shutdown", modelOp: .hello)
}
