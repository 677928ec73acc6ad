import Foundation
import NNBench

/// An `--arch` value: a spec string (`"dense(16) relu dense(2)"`) or a JSON model file ending in
/// `.json` (the `model` object of docs/protocol.md), the same for every command.
enum ArchitectureArgument {
    /// The largest model file read: a model of any size nnbench trains fits in far less.
    static let fileLimit = 1 << 20

    /// Parses `text`.
    ///
    /// - Throws: An exit code after printing the error: 64 for a malformed spec string, 2 for a
    ///   model file that cannot be read or whose contents are not a model.
    static func parse(_ text: String) throws -> ArchitectureSpec {
        if text.hasSuffix(".json") {
            do {
                let bytes = try AtomicFile.read(text, limit: fileLimit)
                return try ModelSpec(jsonData: Data(bytes)).architecture
            } catch let error as FileError {
                throw failure(error.description, status: ExitStatus.error)
            } catch {
                throw failure("\(text): \(error)", status: ExitStatus.error)
            }
        }
        do {
            return try ArchitectureSpec(parsing: text)
        } catch {
            throw failure("invalid --arch:\n\(error.rendered)", status: ExitStatus.usage)
        }
    }
}
