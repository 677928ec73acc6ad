import Foundation
import NNBenchModel
@testable import NNBenchProtocol
import Testing

/// The JSON Schemas in docs/protocol/ are the ones nnbench validates with, and the example
/// exchange of docs/protocol.md keeps them.
@Suite("protocol schemas")
struct ProtocolSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theCommittedSchemasAreCurrent() throws {
        for (name, text) in ProtocolSchemaFiles.all {
            let path = Self.root.appendingPathComponent("docs/protocol/\(name)").path
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == text, "\(name) is out of date: run 'swift run nnbench protocol schemas'")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs/protocol").path)
        #expect(Set(files.filter { $0.hasSuffix(".schema.json") }) == Set(ProtocolSchemaFiles.all.map(\.name)))
    }

    @Test func everyOpHasARequestAndAnAnswer() {
        // Every op of the model interface (`trace` is a field of forward, not an op), and shutdown.
        for op in ModelOp.allCases.filter({ $0 != .trace && $0 != .initialState }).map(\.rawValue) + ["shutdown"] {
            #expect(ProtocolMessages.messages(of: op) != nil, "\(op)")
        }
    }

    /// The example of docs/protocol.md: every request and answer keeps its schema.
    @Test func theDocumentsExampleKeepsTheSchemas() throws {
        let document = try String(contentsOfFile: Self.root.appendingPathComponent("docs/protocol.md").path, encoding: .utf8)
        let lines = document.split(separator: "\n").filter { $0.hasPrefix("> {") || $0.hasPrefix("< {") }
        #expect(lines.count >= 14)
        var ops: [Int: String] = [:]
        for line in lines {
            let message = try JSONReader().read(Array(line.dropFirst(2).utf8))
            let schema: MessageSchema?
            if let op = message["op"]?.string {
                ops[message["id"]?.integer ?? -1] = op
                schema = ProtocolMessages.messages(of: op)?.request
            } else {
                schema = ProtocolMessages.messages(of: ops[message["id"]?.integer ?? -1] ?? "")?.answer
            }
            let found = try #require(schema, "\(line)")
            #expect(found.violations(of: message).isEmpty, "\(line): \(found.violations(of: message))")
        }
    }

    @Test func aBreachNamesTheFieldWhatItHoldsAndWhatWasExpected() throws {
        let answer = try JSONReader().read(Array(#"{"id":1,"ok":true,"protocol":2,"dtype":"bfloat16","ops":["gradients",3]}"#.utf8))
        let violations = ProtocolMessages.messages(of: "hello")!.answer.violations(of: answer).map(\.description)
        #expect(violations == [
            #"dtype: got "bfloat16", expected one of "float32", "float64""#,
            "ops[1]: got 3, expected a string",
        ])
    }
}
