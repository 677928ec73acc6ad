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
            targets = Showcase.protocolDefaults.map { ($0.name, try! ArchitectureSpec(parsing: $0.architecture), $0.makeTask()) }
        }
        if let log, !FileManager.default.createFile(atPath: log, contents: nil) {
            throw failure("cannot write the log '\(log)'", status: ExitStatus.error)
        }
        var report = ProgramReport(command: command)
        for target in targets {
            let model = ProtocolModel(command: command, timeout: timeout, logPath: log)
            var entry = ProgramReport.Entry(name: target.name, architecture: target.architecture.description, task: target.task.name)
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
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text, terminator: "")
        }
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

/// What `nnbench check --exec` found, per architecture, as text or JSON.
struct ProgramReport: Encodable {
    /// What the program said in `hello`.
    struct Program: Encodable {
        let name: String
        let precision: String
        let ops: [String]

        init(_ info: ModelInfo) {
            name = info.name
            precision = info.precision.rawValue
            ops = info.ops.map(\.rawValue).sorted()
        }
    }

    /// Whether an architecture could be checked.
    enum Status: String, Encodable {
        /// The battery ran (its results say how it went).
        case checked
        /// The program declined a layer type of it: not a failure for a default architecture.
        case unsupported
        /// The program broke the protocol; ``Entry/failure`` says how.
        case error
    }

    /// One architecture's outcome.
    struct Entry: Encodable {
        let name: String
        let architecture: String
        let task: String
        var status = Status.checked
        var reason: String?
        var results: [CheckResult] = []
        var failure: String?
        var shutdown: String?
    }

    let command: String
    var program: Program?
    var entries: [Entry] = []

    var text: String {
        var text = "program: " + (program.map { "\($0.name) (\($0.precision); ops: \($0.ops.joined(separator: ", ")))" } ?? command) + "\n"
        for entry in entries {
            text += "\n\(entry.name): \(entry.architecture) on \(entry.task)\n"
            if entry.status == .unsupported { text += "unsupported: \(entry.reason ?? "")\n" }
            if !entry.results.isEmpty { text += CheckReportText(results: entry.results).text }
            if let failure = entry.failure { text += "the program could not be checked: \(failure)\n" }
            if let shutdown = entry.shutdown { text += "at shutdown: \(shutdown)\n" }
        }
        let count = { (status: Status) in entries.filter { $0.status == status }.count }
        let results = entries.flatMap(\.results)
        text += "\n\(count(.checked)) architectures checked, \(count(.unsupported)) unsupported, \(count(.error)) could not be checked; "
            + "checks: \(results.filter { $0.status == .passed }.count) passed, \(results.filter { $0.status == .failed }.count) failed, "
            + "\(results.filter { $0.status == .skipped }.count) skipped, \(results.filter { $0.status == .error }.count) errors\n"
        return text
    }
}
