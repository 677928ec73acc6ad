import Foundation

/// An error in the parameters given to a generator. Its description is one line that names the
/// bad value and what was expected.
public enum DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No task of that name is in the catalogue.
    case unknownTask(String, known: [String])
    /// The task has no parameter of that name.
    case unknownParameter(task: String, name: String, known: [String])
    /// A parameter's value could not be read or is outside its accepted range.
    case invalidValue(task: String, name: String, value: String, expected: String)
    /// The task's samples, each valid alone, are together too many values to hold in memory.
    case tooLarge(task: String, samples: Int, valuesPerSample: Int, limit: Int)

    public var description: String {
        switch self {
        case .unknownTask(let name, let known):
            return "unknown task '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case .unknownParameter(let task, let name, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "task '\(task)' has no parameter '\(name)'; its parameters are: \(list)"
        case .invalidValue(let task, let name, let value, let expected):
            return "invalid value '\(value)' for parameter '\(name)' of task '\(task)'; expected \(expected)"
        case .tooLarge(let task, let samples, let valuesPerSample, let limit):
            let values = Double(samples) * Double(valuesPerSample)
            return "task '\(task)' would hold \(samples) samples × \(valuesPerSample) values = "
                + "\(String(format: "%.3g", values)) values (\(String(format: "%.3g", values * 8 / 1e9)) GB as float64), more than the "
                + "\(limit) values (\((limit * 8) >> 30) GiB) held in memory; lower n, n-valid, n-test or the size of a sample, "
                + "or stream the data with 'nnbench generate' (without --plot), which writes any size"
        }
    }
}
