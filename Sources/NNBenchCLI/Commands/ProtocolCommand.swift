import ArgumentParser
import Foundation
import NNBench

/// `nnbench protocol`: the model protocol's machine-readable definition.
struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "The model protocol (docs/protocol.md): its JSON Schemas.",
        subcommands: [Schemas.self])

    struct Schemas: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the JSON Schema (draft 2020-12) of every request and answer of the protocol.",
            discussion: """
                One file per message, NAME.schema.json (hello.request, hello.answer, ..., error.answer), \
                generated from the definitions nnbench validates answers with, so that the files in \
                docs/protocol/ cannot disagree with nnbench (a test checks they are current). Exit \
                status 2 when a file cannot be written.
                """)

        @Option(help: ArgumentHelp("The directory to write into; created when missing.", valueName: "dir"))
        var output: String = "docs/protocol"

        func run() throws {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for (name, text) in ProtocolSchemaFiles.all {
                    try AtomicFile.write(Array(text.utf8), to: "\(output)/\(name)")
                }
            } catch let error as FileError {
                throw failure(error.description, status: ExitStatus.error)
            } catch {
                throw failure("cannot create the directory '\(output)': \(error.localizedDescription)", status: ExitStatus.error)
            }
            print("wrote \(ProtocolSchemaFiles.all.count) schemas to \(output)")
        }
    }
}
