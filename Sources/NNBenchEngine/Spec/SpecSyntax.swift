/// One call of the spec language, `name` or `name(arguments)`: a layer, an optimizer, a schedule
/// part, or an option value such as `constant(0.5)`.
struct SpecCall: Sendable, Hashable {
    /// The name before the parentheses.
    var name: String
    /// The arguments, in the order written.
    var arguments: [SpecArgument]
    /// The characters of the whole call, name to closing parenthesis, in the source.
    var range: Range<Int>
}

/// One argument of a call: positional (`16`) or named (`kernel: 3`).
struct SpecArgument: Sendable, Hashable {
    /// The name before the colon, or `nil` for a positional argument.
    var label: String?
    /// The value.
    var value: SpecValue
    /// The value as the user wrote it, for messages (`0.5`, `he_normal`, `"x"` in JSON).
    var text: String
    /// The characters of the argument, label included, in the source; `nil` when it came from JSON.
    var range: Range<Int>?
}

/// The value of an argument.
indirect enum SpecValue: Sendable, Hashable {
    /// A number; integers are numbers with an integral value.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A name or a call: `he_normal`, `constant(0.5)`.
    case call(SpecCall)
    /// A JSON string, read as spec text where a name is expected.
    case string(String)
    /// A JSON value no option accepts (null, an array, an object).
    case unsupported
}
