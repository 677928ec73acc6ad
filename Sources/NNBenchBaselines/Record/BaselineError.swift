/// Why a baseline file cannot be used. Its description is one line naming the file and what is
/// wrong with it.
public struct BaselineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong.
    public let problem: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - problem: What is wrong with it.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `baseline 'Baselines/xor.json.gz': <problem>`.
    public var description: String { "baseline '\(path)': \(problem)" }
}
