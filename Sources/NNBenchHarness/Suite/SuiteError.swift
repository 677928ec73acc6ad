/// Why a suite cannot be used. Its description is one line naming the file, the entry and the
/// field, the bad value and what was expected.
public struct SuiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    /// Whether the file could not be read at all (as opposed to holding a bad value).
    public let isFileError: Bool

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - description: One line naming the value and what was expected.
    ///   - isFileError: Whether the file could not be read.
    public init(_ description: String, isFileError: Bool = false) {
        self.description = description
        self.isFileError = isFileError
    }
}
