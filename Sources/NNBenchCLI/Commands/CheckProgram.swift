import ArgumentParser
import Foundation
import NNBench

extension CheckCommand {
    /// `nnbench check --exec COMMAND`: the battery on a program speaking the model protocol, on
    /// `--arch` or on ``Showcase/protocolDefaults``, each architecture with a fresh program so that
    /// one architecture's failure cannot spoil the next.
    func runProgram(_ command: String, only: Set<String>?, seed: UInt64) throws {
        let targets: [(name: String, architecture: ArchitectureSpec, task: LearningTask)]
        if let arch {
            let (architecture, task) = try architectureAndTask(arch)
            targets = [("arch", architecture, task)]
        } else {
            targets = Showcase.all.map { ($0.name, try! ArchitectureSpec(parsing: $0.architecture), $0.makeTask()) }
        }
        let programLog = try openLog()
        var report = ProgramCheckReport(command: command)
        var transcript: [String] = []
        for target in targets {
            let model = ProtocolModel(command: command, timeout: timeout, log: programLog)
            model.recordsTranscript = record != nil
            defer { transcript += model.transcript }
            var entry = ProgramCheckReport.Entry(name: target.name, architecture: target.architecture.description, task: target.task.name)
            let spec = ModelSpec(inputShape: target.task.inputShape, architecture: target.architecture)
            do {
                let info = try model.hello()
                report.program = report.program ?? .init(info)
                if let types = info.layerTypes, let missing = target.architecture.layers.map(\.name).first(where: { !types.contains($0) }) {
                    entry.status = .unsupported
                    entry.reason = "the program does not list the layer type '\(missing)'"
                } else {
                    // An ok: false to build is the program declining the architecture, not a failure.
                    _ = try model.build(spec, loss: target.task.loss, seed: seed)
                    entry.results = CheckBattery.run(model: model, architecture: target.architecture, task: target.task, seed: seed, only: only)
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
        print(json ? report.json() : report.text, terminator: "")
        try checkLog(programLog)
        let checked = report.entries.filter { $0.status == .checked }
        let results = report.entries.flatMap(\.results)
        // An explicit --arch the program declines could not be checked; a default one is only out of its scope.
        if checked.isEmpty || report.entries.contains(where: { $0.status == .error || (arch != nil && $0.status == .unsupported) })
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

    /// Writes `--record`'s file: every line sent and received, in order.
    func writeTranscript(_ lines: [String]) throws {
        guard let record else { return }
        do { try AtomicFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: record) } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }
}
