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
        let programLog: ProgramLog?
        do { programLog = try log.map { path throws(FileError) in try ProgramLog(path: path) } } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
        var report = ProgramCheckReport(command: command)
        for target in targets {
            let model = ProtocolModel(command: command, timeout: timeout, log: programLog)
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
        print(json ? report.json() : report.text, terminator: "")
        // The report stands; a log that could not be written is still a file nnbench failed to write.
        if let logFailure = programLog?.failure { throw failure(logFailure.description, status: ExitStatus.error) }
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
