import NNBenchIO

/// How a weight tensor starts, by its fans (`fan_in`, `fan_out`).
///
/// Fans: a dense weight `[in, units]` has `fan_in = in`, `fan_out = units`; a conv2d weight
/// `[filters, channels, k, k]` has `fan_in = channels·k·k`, `fan_out = filters·k·k`.
/// This type only describes the distribution; drawing numbers is the engine's job. The biases of
/// dense and conv2d layers start at zero whatever the weights' initializer.
public enum Initializer: Sendable, Hashable, CustomStringConvertible {
    /// Uniform on `[-b, b]` with `b = √(6 / (fan_in + fan_out))`; the default for dense and
    /// conv2d weights. Spec name `glorot_uniform`, alias `xavier_uniform`.
    case glorotUniform
    /// Normal (untruncated) with `std = √(2 / (fan_in + fan_out))`. Spec name `glorot_normal`,
    /// alias `xavier_normal`.
    case glorotNormal
    /// Uniform on `[-b, b]` with `b = √(6 / fan_in)` (gain √2). Spec name `he_uniform`, alias
    /// `kaiming_uniform`.
    case heUniform
    /// Normal (untruncated) with `std = √(2 / fan_in)`. Spec name `he_normal`, aliases `he`, `kaiming`.
    case heNormal
    /// Uniform on `[-b, b]` with `b = √(3 / fan_in)` (variance `1 / fan_in`). Spec name `lecun_uniform`.
    case lecunUniform
    /// Normal (untruncated) with `std = √(1 / fan_in)`. Spec name `lecun_normal`, alias `lecun`.
    case lecunNormal
    /// All zeros. Spec name `zeros`.
    case zeros
    /// Every value the same. Spec `constant(0.5)`.
    case constant(Double)
    /// Uniform on `[-bound, bound]` whatever the fans: PyTorch's initialisation of the recurrent
    /// layers, `bound = 1/√units` for every weight and bias. No spec name: a layer's option never
    /// takes it.
    case uniform(bound: Double)
    /// Normal with a fixed standard deviation, untruncated: PyTorch's `N(0, 1)` for embeddings.
    /// No spec name.
    case normal(standardDeviation: Double)

    /// A distribution that values are drawn from.
    public enum Distribution: Sendable, Hashable {
        /// Uniform on `[-bound, bound]`.
        case uniform(bound: Double)
        /// Normal with mean 0, untruncated.
        case normal(standardDeviation: Double)
        /// Every value equal to this one.
        case constant(Double)
    }

    /// The fans of a weight of the given shape.
    ///
    /// - Parameter shape: A dense weight `[in, units]` or a conv2d weight `[filters, channels, k, k]`.
    /// - Returns: `fan_in` and `fan_out`; for any other rank, the shape's first dimension as both
    ///   with the rest as a receptive field, which no protocol layer uses.
    public static func fans(ofWeightShape shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptiveField = shape.dropFirst(2).reduce(1, *)
            return (shape[1] * receptiveField, shape[0] * receptiveField)
        }
    }

    /// The distribution for a weight with these fans.
    ///
    /// - Parameters:
    ///   - fanIn: The weight's `fan_in`.
    ///   - fanOut: The weight's `fan_out`.
    /// - Returns: The distribution to draw each value from.
    public func distribution(fanIn: Int, fanOut: Int) -> Distribution {
        let fanIn = Double(fanIn), fanOut = Double(fanOut)
        switch self {
        case .glorotUniform: return .uniform(bound: (6 / (fanIn + fanOut)).squareRoot())
        case .glorotNormal: return .normal(standardDeviation: (2 / (fanIn + fanOut)).squareRoot())
        case .heUniform: return .uniform(bound: (6 / fanIn).squareRoot())
        case .heNormal: return .normal(standardDeviation: (2 / fanIn).squareRoot())
        case .lecunUniform: return .uniform(bound: (3 / fanIn).squareRoot())
        case .lecunNormal: return .normal(standardDeviation: (1 / fanIn).squareRoot())
        case .zeros: return .constant(0)
        case .constant(let value): return .constant(value)
        case .uniform(let bound): return .uniform(bound: bound)
        case .normal(let deviation): return .normal(standardDeviation: deviation)
        }
    }

    /// The bound `b` of a uniform initializer on `[-b, b]`.
    ///
    /// - Returns: The bound, or `nil` when the initializer is not uniform.
    public func bound(fanIn: Int, fanOut: Int) -> Double? {
        if case .uniform(let bound) = distribution(fanIn: fanIn, fanOut: fanOut) { return bound }
        return nil
    }

    /// The standard deviation of a normal initializer.
    ///
    /// - Returns: The standard deviation, or `nil` when the initializer is not normal.
    public func standardDeviation(fanIn: Int, fanOut: Int) -> Double? {
        if case .normal(let deviation) = distribution(fanIn: fanIn, fanOut: fanOut) { return deviation }
        return nil
    }

    /// The spec name: `he_normal`, `constant(0.5)`; for the initializers without one, the
    /// distribution: `uniform(±0.125)`, `normal(0, 1)`.
    public var description: String {
        switch self {
        case .constant(let value): return "constant(\(canonicalNumberText(value)))"
        case .uniform(let bound): return "uniform(±\(canonicalNumberText(bound)))"
        case .normal(let deviation): return "normal(0, \(canonicalNumberText(deviation)))"
        default: return Self.spellings.first { $0.initializer == self }!.name
        }
    }

    /// The canonical names, for messages and suggestions.
    static let names = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "zeros", "constant"]

    /// Every accepted name of a named initializer, canonical names first.
    private static let spellings: [(name: String, initializer: Initializer)] = [
        ("glorot_uniform", .glorotUniform), ("glorot_normal", .glorotNormal),
        ("he_uniform", .heUniform), ("he_normal", .heNormal),
        ("lecun_uniform", .lecunUniform), ("lecun_normal", .lecunNormal), ("zeros", .zeros),
        ("xavier_uniform", .glorotUniform), ("xavier_normal", .glorotNormal),
        ("kaiming_uniform", .heUniform), ("he", .heNormal), ("kaiming", .heNormal), ("kaiming_normal", .heNormal),
        ("lecun", .lecunNormal),
    ]

    /// Reads an initializer call: a name without arguments, or `constant` with one finite number.
    ///
    /// - Returns: `nil` when the call is not an initializer.
    init?(_ call: SpecCall) {
        if call.name == "constant" {
            guard call.arguments.count == 1, call.arguments[0].label == nil || call.arguments[0].label == "value",
                  case .number(let value) = call.arguments[0].value, value.isFinite else { return nil }
            self = .constant(value)
            return
        }
        guard call.arguments.isEmpty, let spelling = Self.spellings.first(where: { $0.name == call.name }) else { return nil }
        self = spelling.initializer
    }
}
