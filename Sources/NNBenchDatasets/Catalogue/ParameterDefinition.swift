/// One documented, validated parameter of a generator.
public struct ParameterDefinition: Sendable, Hashable {
    /// The kind of value a parameter takes, with its accepted range.
    public enum Domain: Sendable, Hashable {
        /// A whole number in the closed range.
        case integer(ClosedRange<Int>)
        /// A real number in the closed range.
        case real(ClosedRange<Double>)
        /// A comma-separated list of reals, each in the range, with a length in `count`.
        case reals(ClosedRange<Double>, count: ClosedRange<Int>)
    }

    /// The name, as given on the command line (`--param classes=3`).
    public let name: String
    /// What it means, in one line.
    public let summary: String
    /// The accepted values.
    public let domain: Domain
    /// The value used when none is given.
    public let defaultValue: ParameterValue.Value

    /// Creates a parameter definition.
    public init(_ name: String, _ summary: String, domain: Domain, default defaultValue: ParameterValue.Value) {
        self.name = name
        self.summary = summary
        self.domain = domain
        self.defaultValue = defaultValue
    }

    /// The accepted values in words, e.g. `"an integer in 1...64"`.
    public var expected: String {
        switch domain {
        case .integer(let range): return "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .real(let range): return "a number in \(format(range.lowerBound))...\(format(range.upperBound))"
        case .reals(let range, let count):
            let length = count.lowerBound == count.upperBound
                ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            return "\(length) comma-separated numbers, each in \(format(range.lowerBound))...\(format(range.upperBound))"
        }
    }

    /// Reads and validates a value given as text.
    ///
    /// - Parameters:
    ///   - text: The value as written by the user.
    ///   - task: The task's name, for the error message.
    /// - Returns: The value.
    /// - Throws: ``DatasetError/invalidValue(task:name:value:expected:)`` when the text is not a
    ///   value of the domain.
    public func parse(_ text: String, task: String) throws(DatasetError) -> ParameterValue.Value {
        let value: ParameterValue.Value?
        switch domain {
        case .integer: value = Int(text.trimmingSpaces).map { .integer($0) }
        case .real: value = Double(text.trimmingSpaces).map { .real($0) }
        case .reals:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0).trimmingSpaces) }
            value = parts.contains(nil) ? nil : .reals(parts.map { $0! })
        }
        guard let value else {
            throw .invalidValue(task: task, name: name, value: text, expected: expected)
        }
        try validate(value, task: task)
        return value
    }

    /// Checks that a value is in the domain.
    ///
    /// - Throws: ``DatasetError/invalidValue(task:name:value:expected:)`` when it is not.
    public func validate(_ value: ParameterValue.Value, task: String) throws(DatasetError) {
        let accepted: Bool
        switch (domain, value) {
        case (.integer(let range), .integer(let v)): accepted = range.contains(v)
        case (.real(let range), .real(let v)): accepted = v.isFinite && range.contains(v)
        case (.reals(let range, let count), .reals(let v)):
            accepted = count.contains(v.count) && v.allSatisfy { $0.isFinite && range.contains($0) }
        default: accepted = false
        }
        guard accepted else {
            throw .invalidValue(task: task, name: name, value: value.description, expected: expected)
        }
    }
}

/// A parameter's name and value, as a task was generated with.
public struct ParameterValue: Sendable, Hashable, CustomStringConvertible {
    /// A value of one of the domains of ``ParameterDefinition``.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        /// A whole number.
        case integer(Int)
        /// A real number.
        case real(Double)
        /// A list of reals.
        case reals([Double])

        public var description: String {
            switch self {
            case .integer(let v): return String(v)
            case .real(let v): return format(v)
            case .reals(let v): return v.map(format).joined(separator: ",")
            }
        }
    }

    /// The parameter's name.
    public let name: String
    /// Its value.
    public let value: Value

    /// Creates a named value.
    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// `name=value`.
    public var description: String { "\(name)=\(value)" }
}

/// The shortest text that reads back as the same double (`0.1`, `1e-05`, `3`).
func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
