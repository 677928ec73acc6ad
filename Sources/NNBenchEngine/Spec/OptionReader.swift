import NNBenchDatasets
import NNBenchIO

/// Reads and validates the options of one call, positional or named, so that every layer,
/// optimizer and schedule part checks its options the same way and reports them the same way.
struct OptionReader {
    private let arguments: [String: SpecArgument]
    private let callName: String
    /// Where the call came from, for errors.
    let site: ErrorSite

    /// Matches the call's arguments to its options.
    ///
    /// - Parameters:
    ///   - call: The call.
    ///   - options: The accepted option names, in canonical order.
    ///   - positional: How many of the first options may be given without a name.
    ///   - site: Where the call came from.
    /// - Throws: ``SpecError`` for an unknown or repeated option, or a positional argument that
    ///   has no place.
    init(_ call: SpecCall, options: [String], positional: Int = 0, site: ErrorSite) throws(SpecError) {
        self.callName = call.name
        self.site = site
        var arguments: [String: SpecArgument] = [:]
        var sawNamed = false
        for (index, argument) in call.arguments.enumerated() {
            guard let label = argument.label else {
                if options.isEmpty {
                    throw site.error("'\(call.name)' takes no options", range: argument.range)
                }
                if sawNamed {
                    throw site.error("positional argument '\(argument.text)' must come before the named options", range: argument.range)
                }
                guard index < positional else {
                    let first = switch positional {
                    case 0: "none of its options"
                    case 1: "only '\(options[0])'"
                    default: options.prefix(positional).map { "'\($0)'" }.joined(separator: " and ")
                    }
                    throw site.error("unexpected positional argument '\(argument.text)'; '\(call.name)' takes \(first) without a name, the others as 'name: value'", range: argument.range)
                }
                arguments[options[index]] = argument
                continue
            }
            sawNamed = true
            guard options.contains(label) else {
                let hint = nearestName(to: label, in: options).map { " (did you mean '\($0)'?)" } ?? ""
                let list = options.isEmpty ? "'\(call.name)' takes no \(site.optionWord)s" : "\(call.name)'s \(site.optionWord)s are: \(options.joined(separator: ", "))"
                if site.isJSON {
                    throw site.error("unknown field\(hint); \(list)", field: label)
                }
                throw site.error("unknown option '\(label)'\(hint); \(list)", range: argument.range)
            }
            guard arguments[label] == nil else {
                throw site.error("given twice", field: label, range: argument.range)
            }
            arguments[label] = argument
        }
        self.arguments = arguments
    }

    /// Reads an integer option.
    ///
    /// - Parameters:
    ///   - name: The option.
    ///   - minimum: The smallest accepted value.
    ///   - defaultValue: The value when the option is absent; `nil` makes it required.
    /// - Returns: The value.
    /// - Throws: ``SpecError`` when it is missing, not an integer, or below `minimum`.
    func integer(_ name: String, minimum: Int, default defaultValue: Int? = nil) throws(SpecError) -> Int {
        guard let argument = arguments[name] else { return try required(name, defaultValue) }
        var expected = switch minimum {
        case 1: "a positive integer"
        case 0: "a non-negative integer"
        default: "an integer of at least \(minimum)"
        }
        // Numbers are read as Double: beyond 10^15 they are no longer exact integers.
        if case .number(let value) = argument.value, !(abs(value) < 1e15) { expected += " below 10^15" }
        guard case .number(let value) = argument.value, value == value.rounded(), abs(value) < 1e15, Int(value) >= minimum else {
            throw mismatch(argument, name, expected: expected)
        }
        return Int(value)
    }

    /// Reads an integer option that has no default.
    ///
    /// - Returns: The value, or `nil` when the option is absent.
    /// - Throws: ``SpecError`` when it is not an integer of at least `minimum`.
    func optionalInteger(_ name: String, minimum: Int) throws(SpecError) -> Int? {
        arguments[name] == nil ? nil : try integer(name, minimum: minimum)
    }

    /// Reads a number option.
    ///
    /// - Parameters:
    ///   - name: The option.
    ///   - defaultValue: The value when the option is absent; `nil` makes it required.
    ///   - expected: The accepted values in words, for the error (`"a number in [0, 1)"`).
    ///   - accepts: Whether a finite value is accepted.
    /// - Returns: The value.
    /// - Throws: ``SpecError`` when it is missing, not a finite number, or not accepted.
    func number(_ name: String, default defaultValue: Double? = nil, expected: String, accepts: (Double) -> Bool) throws(SpecError) -> Double {
        guard let argument = arguments[name] else { return try required(name, defaultValue) }
        guard case .number(let value) = argument.value, value.isFinite, accepts(value) else {
            throw mismatch(argument, name, expected: expected)
        }
        return value
    }

    /// Reads a number option that has no default.
    ///
    /// - Returns: The value, or `nil` when the option is absent.
    /// - Throws: ``SpecError`` when it is not a finite number that `accepts` accepts.
    func optionalNumber(_ name: String, expected: String, accepts: (Double) -> Bool) throws(SpecError) -> Double? {
        arguments[name] == nil ? nil : try number(name, expected: expected, accepts: accepts)
    }

    /// Reads an option whose value is one of a few names: `relu` in text, `"relu"` in JSON.
    ///
    /// - Returns: The value, or `defaultValue` when the option is absent.
    /// - Throws: ``SpecError`` when it is not one of the names.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: Choice) throws(SpecError) -> Choice
    where Choice.RawValue == String {
        guard let argument = arguments[name] else { return defaultValue }
        let names = Choice.allCases.map(\.rawValue)
        let word: String? = switch argument.value {
        case .call(let call) where call.arguments.isEmpty: call.name
        case .string(let text): text
        default: nil
        }
        guard let word, let value = Choice(rawValue: word) else {
            throw mismatch(argument, name, expected: "one of \(names.joined(separator: ", "))")
        }
        return value
    }

    /// Reads a boolean option.
    ///
    /// - Returns: The value, or `defaultValue` when the option is absent.
    /// - Throws: ``SpecError`` when it is not `true` or `false`.
    func boolean(_ name: String, default defaultValue: Bool) throws(SpecError) -> Bool {
        guard let argument = arguments[name] else { return defaultValue }
        guard case .bool(let value) = argument.value else {
            throw mismatch(argument, name, expected: "true or false")
        }
        return value
    }

    /// Reads an initializer option: a name (`he_normal`) or `constant(value)`, in JSON as a string.
    ///
    /// - Returns: The initializer, or `defaultValue` when the option is absent.
    /// - Throws: ``SpecError`` when it names no initializer.
    func initializer(_ name: String, default defaultValue: Initializer) throws(SpecError) -> Initializer {
        guard let argument = arguments[name] else { return defaultValue }
        let call: SpecCall
        switch argument.value {
        case .call(let written):
            call = written
        case .string(let text):
            do {
                call = try SpecParser.single(text, noun: "an initializer name")
            } catch {
                throw mismatch(argument, name, expected: "an initializer (\(error.message))")
            }
        default:
            throw mismatch(argument, name, expected: "an initializer such as he_normal or constant(0.5)")
        }
        if let initializer = Initializer(call) { return initializer }
        if call.name == "constant" {
            throw mismatch(argument, name, expected: "constant(value) with one finite number")
        }
        let hint = nearestName(to: call.name, in: Initializer.names).map { "did you mean '\($0)'? " } ?? ""
        throw site.error("unknown initializer '\(call.name)'; \(hint)known: \(Initializer.names.joined(separator: ", "))", field: name, range: argument.range)
    }

    /// An error about option `name`, pointing at its argument when it was given.
    ///
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - name: The option.
    /// - Returns: The error.
    func error(_ message: String, option name: String) -> SpecError {
        site.error(message, field: name, range: arguments[name]?.range)
    }

    private func required<Value>(_ name: String, _ defaultValue: Value?) throws(SpecError) -> Value {
        guard let defaultValue else {
            throw site.error("missing required \(site.optionWord) '\(name)'")
        }
        return defaultValue
    }

    private func mismatch(_ argument: SpecArgument, _ name: String, expected: String) -> SpecError {
        site.error("expected \(expected), got \(argument.text)", field: name, range: argument.range)
    }
}
