/// A catalogue entry: a generator's name, documentation and parameters, and the function that
/// makes its task.
public struct TaskDefinition: Sendable {
    /// The name, e.g. `"two-spirals"`.
    public let name: String
    /// What the task is, in one line.
    public let summary: String
    /// How a sample is generated, as a formula.
    public let formula: String
    /// Where the task comes from.
    public let citation: String
    /// The parameters, in the order they are shown and recorded.
    public let parameters: [ParameterDefinition]
    let generate: @Sendable (Arguments) throws(DatasetError) -> LearningTask

    /// Creates a catalogue entry.
    ///
    /// - Parameters:
    ///   - name: The task's name.
    ///   - summary: One line.
    ///   - formula: How a sample is generated.
    ///   - citation: Where the task comes from.
    ///   - parameters: The parameters, in order.
    ///   - generate: Makes the task from validated arguments.
    public init(
        name: String, summary: String, formula: String, citation: String, parameters: [ParameterDefinition],
        generate: @escaping @Sendable (Arguments) throws(DatasetError) -> LearningTask
    ) {
        self.name = name
        self.summary = summary
        self.formula = formula
        self.citation = citation
        self.parameters = parameters
        self.generate = generate
    }

    /// Makes the task, with parameters given as text (as on the command line).
    ///
    /// - Parameters:
    ///   - overrides: Values by parameter name; the others keep their defaults.
    ///   - seed: The seed.
    /// - Returns: The task.
    /// - Throws: ``DatasetError`` when a name is unknown or a value is invalid.
    public func makeTask(_ overrides: [String: String] = [:], seed: UInt64 = 0) throws(DatasetError) -> LearningTask {
        try generate(arguments(overrides, seed: seed))
    }

    /// Makes only the samples of `window` of a task whose samples are independent draws (one
    /// with the parameter `n`), for an export that streams; see ``SplitSizes/window``.
    ///
    /// - Parameters:
    ///   - overrides: Values by parameter name, as for ``makeTask(_:seed:)``.
    ///   - seed: The seed.
    ///   - window: The split and sample indices to draw, clamped to the split's size.
    /// - Returns: The task with the window's samples alone in its split and the other splits
    ///   empty, or `nil` when the task is
    ///   one fixed set, which is never drawn in part.
    /// - Throws: ``DatasetError`` when a name is unknown or a value is invalid.
    package func makeTask(_ overrides: [String: String], seed: UInt64, window: SampleWindow) throws(DatasetError) -> LearningTask? {
        guard drawsIndependentSamples else { return nil }
        var arguments = try arguments(overrides, seed: seed)
        arguments.window = window
        return try generate(arguments)
    }

    /// The split sizes of a task with independent samples (`n`, `n-valid`, `n-test`), or `nil`
    /// for a task that is one fixed set.
    ///
    /// - Throws: ``DatasetError`` when a name is unknown or a value is invalid.
    package func sizes(_ overrides: [String: String]) throws(DatasetError) -> SplitSizes? {
        drawsIndependentSamples ? try arguments(overrides, seed: 0).sizes : nil
    }

    /// Whether the task's samples are independent draws, sized by `n`, `n-valid` and `n-test`.
    private var drawsIndependentSamples: Bool { parameters.contains { $0.name == "n" } }

    /// The validated arguments: the defaults with `overrides` parsed over them.
    private func arguments(_ overrides: [String: String], seed: UInt64) throws(DatasetError) -> Arguments {
        for name in overrides.keys.sorted() where !parameters.contains(where: { $0.name == name }) {
            throw .unknownParameter(task: self.name, name: name, known: parameters.map(\.name))
        }
        var values = defaults.values
        for parameter in parameters {
            if let text = overrides[parameter.name] { values[parameter.name] = try parameter.parse(text, task: name) }
        }
        return Arguments(values: values, seed: seed)
    }

    /// Every parameter at its default value, with seed 0.
    ///
    /// The catalogue entry is the one place a generator's defaults are declared: its function's
    /// default arguments read them from here (`noise: Double = TaskDefinition.moons.defaults.real("noise")`),
    /// so the function, ``makeTask(_:seed:)`` and `nnbench show` cannot disagree.
    public var defaults: Arguments {
        Arguments(values: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) }), seed: 0)
    }

    /// Validates values given by a generator function's caller, and returns them in catalogue order.
    ///
    /// - Parameter values: A value for every parameter of the task.
    /// - Returns: The values as recorded in ``LearningTask/parameters``.
    /// - Throws: ``DatasetError/invalidValue(task:name:value:expected:)`` for the first invalid value.
    public func validate(_ values: [String: ParameterValue.Value]) throws(DatasetError) -> [ParameterValue] {
        try parameters.map { parameter throws(DatasetError) in
            guard let value = values[parameter.name] else {
                preconditionFailure("generator '\(name)' did not pass parameter '\(parameter.name)'")
            }
            try parameter.validate(value, task: name)
            return ParameterValue(parameter.name, value)
        }
    }

    /// Validated parameter values and the seed, as handed to a generator by ``makeTask(_:seed:)``.
    public struct Arguments: Sendable {
        let values: [String: ParameterValue.Value]
        /// The seed.
        public let seed: UInt64
        /// The samples to draw, when an export streams; see ``SplitSizes/window``.
        var window: SampleWindow?

        /// The value of an integer parameter.
        public func integer(_ name: String) -> Int {
            guard case .integer(let v)? = values[name] else { preconditionFailure("no integer parameter '\(name)'") }
            return v
        }

        /// The value of a real parameter.
        public func real(_ name: String) -> Double {
            guard case .real(let v)? = values[name] else { preconditionFailure("no real parameter '\(name)'") }
            return v
        }

        /// The value of a list parameter.
        public func reals(_ name: String) -> [Double] {
            guard case .reals(let v)? = values[name] else { preconditionFailure("no list parameter '\(name)'") }
            return v
        }

        /// The split sizes, from the parameters `n`, `n-valid` and `n-test`.
        public var sizes: SplitSizes {
            var sizes = SplitSizes(train: integer("n"), validation: integer("n-valid"), test: integer("n-test"))
            sizes.window = window
            return sizes
        }
    }
}

extension ParameterDefinition {
    /// The three size parameters of a task with independent, identically distributed samples:
    /// `n` (training samples), `n-valid` and `n-test`.
    ///
    /// - Parameter defaults: The default sizes.
    /// - Returns: The definitions of `n`, `n-valid` and `n-test`.
    public static func sizes(_ defaults: SplitSizes, maximum: Int = 100_000_000) -> [ParameterDefinition] {
        [
            ParameterDefinition("n", "samples in the training split", domain: .integer(1...maximum), default: .integer(defaults.train)),
            ParameterDefinition("n-valid", "samples in the validation split", domain: .integer(1...maximum), default: .integer(defaults.validation)),
            ParameterDefinition("n-test", "samples in the test split", domain: .integer(1...maximum), default: .integer(defaults.test)),
        ]
    }

    /// A `noise` parameter: the standard deviation of Gaussian noise.
    ///
    /// - Parameters:
    ///   - defaultValue: The default standard deviation.
    ///   - summary: What the noise is added to.
    public static func noise(_ defaultValue: Double, _ summary: String = "standard deviation of the Gaussian noise added to each input") -> ParameterDefinition {
        ParameterDefinition("noise", summary, domain: .real(0...100), default: .real(defaultValue))
    }
}

extension SplitSizes {
    /// The size values of `n`, `n-valid` and `n-test`, for ``TaskDefinition/validate(_:)``.
    var parameterValues: [String: ParameterValue.Value] {
        ["n": .integer(train), "n-valid": .integer(validation), "n-test": .integer(test)]
    }
}
