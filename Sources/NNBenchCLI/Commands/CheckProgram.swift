import ArgumentParser
import Foundation
import NNBench

extension CheckCommand {
    /// `nnbench check --exec COMMAND`: the battery on a program speaking the model protocol, on
    /// `--arch` or on ``Showcase/all``, each architecture with a fresh program so that one
    /// architecture's failure cannot spoil the next. `known-answers`, which builds its own models
    /// whatever the architecture, runs once, with the first architecture checked.
    func runProgram(_ command: String, only: Set<String>?, seed: UInt64) throws {
        let targets = try checkTargets()
        let programLog = try openLog()
        var report = ProgramCheckReport(command: command)
        var transcript: [String] = []
        var knownAnswersWith: String?
        for target in targets {
            let model = ProtocolModel(command: command, timeout: timeout, log: programLog)
            model.recordsTranscript = record != nil
            defer { transcript += model.transcript }
            var entry = ProgramCheckReport.Entry(name: target.name, architecture: target.architecture.description, task: target.task.name)
            let spec = ModelSpec(inputShape: target.task.inputShape, architecture: target.architecture)
            do {
                let info = try model.hello()
                report.program = report.program ?? .init(info)
                // A default recurrent architecture is for programs that list its layers; for the
                // others it is out of scope, and not worth a row.
                if arch == nil, Showcase.recurrent.contains(where: { $0.name == target.name }), !Self.lists(info, target.architecture) {
                    _ = model.shutdown()
                    continue
                }
                if let reason = Self.declines(info, target.architecture, target.task.loss) {
                    entry.status = .unsupported
                    entry.reason = reason
                } else {
                    // An ok: false to build is the program declining the architecture, not a failure.
                    _ = try model.build(spec, loss: target.task.loss, seed: seed)
                    let names = (only ?? Set(CheckBattery.names)).subtracting(knownAnswersWith == nil ? [] : ["known-answers"])
                    entry.results = CheckBattery.run(model: model, architecture: target.architecture, task: target.task, seed: seed, only: names)
                    if let first = knownAnswersWith, only?.contains("known-answers") ?? true,
                       let index = CheckBattery.names.firstIndex(of: "known-answers") {
                        let position = entry.results.firstIndex { CheckBattery.names.firstIndex(of: $0.check)! > index } ?? entry.results.endIndex
                        // A row without a diagnosis: the reason fits in the figure, and is not repeated.
                        entry.results.insert(CheckResult(check: "known-answers", status: .skipped, figure: "checked once, with \(first)"), at: position)
                    } else if entry.results.contains(where: { $0.check == "known-answers" && $0.status != .skipped }) {
                        knownAnswersWith = target.name
                    }
                }
            } catch {
                if model.failure == nil {
                    entry.status = .unsupported
                    entry.reason = error.description
                }
            }
            entry.failure = model.failure
            entry.shutdown = model.shutdown()
            if entry.failure != nil { entry.status = .error }
            report.entries.append(entry)
            // A program that cannot even say hello cannot be checked on anything else either.
            if report.program == nil { break }
        }
        try writeTranscript(transcript)
        try writeReport(report.page(summary: [Self.commandLine]))
        print(json ? report.json() : report.text, terminator: "")
        try checkLog(programLog)
        let checked = report.entries.filter { $0.status == .checked }
        let results = report.entries.flatMap(\.results)
        // An architecture asked for and declined could not be checked; a default one is only out of its scope.
        if checked.isEmpty || report.entries.contains(where: { $0.status == .error || (targets.count == 1 && $0.status == .unsupported) })
            || results.contains(where: { $0.status == .error }) {
            throw ExitStatus.error
        }
        if results.contains(where: { $0.status == .failed }) { throw ExitStatus.failed }
    }
}

extension CheckCommand {
    /// `--conformance`: every op once, each answer held to its schema and the rules; exit 2 when
    /// the program breaks the protocol.
    func runConformance(_ command: String) throws {
        let programLog = try openLog()
        let result = ProtocolConformance.run(command: command, timeout: timeout, log: programLog, records: record != nil)
        try writeTranscript(result.transcript)
        let report = ConformanceReport(result: result, command: command)
        print(json ? report.json() : report.text, terminator: "")
        try checkLog(programLog)
        if !result.conforms { throw ExitStatus.error }
    }

    /// `--log`'s file, opened once for every program the run starts (created or emptied; a device
    /// or FIFO is written into, never replaced).
    func openLog() throws -> ProgramLog? {
        do { return try log.map { path throws(FileError) in try ProgramLog(path: path) } } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }

    /// After the report, which stands: a log that could not be written is still a file nnbench
    /// failed to write, status 2.
    func checkLog(_ log: ProgramLog?) throws {
        if let logFailure = log?.failure { throw failure(logFailure.description, status: ExitStatus.error) }
    }

    /// Writes `--report`'s file, when asked for.
    func writeReport(_ page: @autoclosure () -> HTMLPage) throws {
        guard let report else { return }
        do { try AtomicFile.write(Array(page().rendered.utf8), to: report) } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }

    /// The command line, for a report's summary.
    static var commandLine: String { "nnbench " + CommandLine.arguments.dropFirst().joined(separator: " ") }

    /// Writes `--record`'s file: every line sent and received, in order.
    func writeTranscript(_ lines: [String]) throws {
        guard let record else { return }
        do { try AtomicFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: record) } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }
}

extension CheckCommand {
    /// `--exec COMMAND --self-test`: the program, taken to be correct, on the default architectures
    /// for `--seeds` seeds, two programs at a time; every failure is a false alarm of nnbench's.
    func runProgramSelfTest(_ command: String) throws {
        guard (1...1000).contains(seeds) else {
            throw failure("invalid --seeds '\(seeds)'; expected an integer in 1...1000", status: ExitStatus.usage)
        }
        let timeout = self.timeout
        let showcases = selfTestShowcases(command)
        let shard = try selfTestShard(runs: showcases.count * seeds)
        let result = SelfTest.run(showcases, label: command, seeds: seeds, threads: 2, shard: shard) { showcase, seed in
            let model = ProtocolModel(command: command, timeout: timeout)
            defer { model.shutdown() }
            return showcase.run(on: model, seed: seed)
        }
        print(SelfTestReport(result: result).text, terminator: "")
        // A program that could not be checked is a program to fix first (2), as with `--exec` alone.
        if !result.unchecked.isEmpty || !result.comparedAnything { throw ExitStatus.error }
        if result.alarms > 0 { throw ExitStatus.failed }
    }
}

extension CheckCommand {
    /// The default architectures a program's self-test sweeps: every showcase, and the recurrent
    /// ones when the program's `hello` lists their layer types (one program started to ask).
    ///
    /// When that first `hello` fails, nothing says whether the program builds recurrent layers:
    /// the sweep goes on without them (its own runs show whether the program can be checked at
    /// all) and says so in one line on standard error, so that a sweep without them is never
    /// taken for one with them.
    func selfTestShowcases(_ command: String) -> [Showcase] {
        let model = ProtocolModel(command: command, timeout: timeout)
        defer { _ = model.shutdown() }
        do {
            let info = try model.hello()
            return Showcase.all + Showcase.recurrent.filter { Self.lists(info, $0.architectureSpec) }
        } catch {
            let reason = error.description.split(separator: "\n").first.map(String.init) ?? "no answer"
            let names = Showcase.recurrent.map(\.name).joined(separator: ", ")
            writeToStandardError("nnbench: warning: the recurrent showcases (\(names)) are left out: the program's first hello failed: \(reason)\n")
            return Showcase.all
        }
    }

    /// Whether a program's `hello` lists every layer type of `architecture` (a version 1
    /// program lists none).
    static func lists(_ info: ModelInfo, _ architecture: ArchitectureSpec) -> Bool {
        info.layerTypes.map { types in architecture.layers.allSatisfy { types.contains($0.name) } } ?? false
    }

    /// Why a program's `hello` rules out an architecture and loss before any build, or `nil`.
    static func declines(_ info: ModelInfo, _ architecture: ArchitectureSpec, _ loss: Loss) -> String? {
        if let types = info.layerTypes, let missing = architecture.layers.map(\.name).first(where: { !types.contains($0) }) {
            return info.version < 2 && !ModelInfo.version1LayerTypes.contains(missing)
                ? "the layer type '\(missing)' needs protocol 2; the program speaks protocol \(info.version)"
                : "the program does not list the layer type '\(missing)'"
        }
        if let losses = info.losses, !losses.contains(loss) {
            return "the program does not list the loss '\(loss.rawValue)'"
        }
        return nil
    }
}
