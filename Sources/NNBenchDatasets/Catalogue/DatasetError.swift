/// An error in the parameters given to a generator. Its description is one line that names the
/// bad value and what was expected.
public enum DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No task of that name is in the catalogue.
    case unknownTask(String, known: [String])
    /// The task has no parameter of that name.
    case unknownParameter(task: String, name: String, known: [String])
    /// A parameter's value could not be read or is outside its accepted range.
    case invalidValue(task: String, name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unknownTask(let name, let known):
            return "unknown task '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case .unknownParameter(let task, let name, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "task '\(task)' has no parameter '\(name)'; its parameters are: \(list)"
        case .invalidValue(let task, let name, let value, let expected):
            return "invalid value '\(value)' for parameter '\(name)' of task '\(task)'; expected \(expected)"
        }
    }
}
