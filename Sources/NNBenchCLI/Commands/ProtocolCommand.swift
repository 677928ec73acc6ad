import ArgumentParser
import Foundation
import NNBench

/// `nnbench protocol`: the model protocol's machine-readable definition.
struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "The model protocol (docs/protocol.md): its JSON Schemas.",
        discussion: """
            Examples:
              nnbench protocol schemas --output /tmp/schemas

            Exit status: see 'nnbench protocol schemas --help'.
            """,
        subcommands: [Schemas.self])

    struct Schemas: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the JSON Schema (draft 2020-12) of every request and answer of the protocol.",
            discussion: """
                One file per message, NAME.schema.json (hello.request, hello.answer, ..., error.answer), \
                generated from the definitions nnbench validates answers with, so that the files in \
                docs/protocol/ cannot disagree with nnbench (a test checks they are current).

                Examples:
                  nnbench protocol schemas
                  nnbench protocol schemas --output /tmp/schemas

                Exit status: 0 when every file was written; 2 when one cannot be written; 64 for \
                a usage error.
                """)

        @Option(help: ArgumentHelp("The directory to write into; created when missing.", valueName: "dir"))
        var output: String = "docs/protocol"

        func run() throws {
            try OutputPath.prepareFolder(output, option: "--output")
            do throws(FileError) {
                for (name, text) in ProtocolSchemaFiles.all {
                    try AtomicFile.write(Array(text.utf8), to: "\(output)/\(name)")
                }
            } catch {
                throw failure(error.description, status: ExitStatus.error)
            }
            print("wrote \(ProtocolSchemaFiles.all.count) schemas to \(output)")
        }
    }
}
