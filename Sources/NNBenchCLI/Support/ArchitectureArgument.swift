import Foundation
import NNBench

/// An `--arch` value: a spec string (`"dense(16) relu dense(2)"`) or a JSON model file ending in
/// `.json` (the `model` object of docs/protocol.md), the same for every command.
enum ArchitectureArgument {
    /// The largest model file read: a model of any size nnbench trains fits in far less.
    static let fileLimit = 1 << 20

    /// Parses `text`.
    ///
    /// - Parameter task: The task the architecture is for, when one is known: a model file's
    ///   `inputs` must be its samples' shape (a file written for other data is refused, not
    ///   silently read as this task's).
    /// - Throws: An exit code after printing the error: 64 for a malformed spec string or a model
    ///   file whose inputs are not the task's, 2 for a model file that cannot be read or whose
    ///   contents are not a model.
    static func parse(_ text: String, for task: LearningTask? = nil) throws -> ArchitectureSpec {
        if text.hasSuffix(".json") {
            let model: ModelSpec
            do {
                let bytes = try AtomicFile.read(text, limit: fileLimit)
                model = try ModelSpec(jsonData: Data(bytes))
            } catch let error as FileError {
                throw failure(error.description, status: ExitStatus.error)
            } catch {
                throw failure("\(text): \(error)", status: ExitStatus.error)
            }
            if let task, model.inputShape != task.inputShape {
                throw failure("\(text): the model's inputs \(model.inputShape) do not match the samples of task '\(task.name)', \(task.inputShape)", status: ExitStatus.usage)
            }
            return model.architecture
        }
        do {
            return try ArchitectureSpec(parsing: text)
        } catch {
            throw failure("invalid --arch: \(error.description)", status: ExitStatus.usage)
        }
    }
}
