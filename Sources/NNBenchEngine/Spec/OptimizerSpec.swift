import NNBenchDatasets
import NNBenchIO

/// An optimizer with PyTorch's definitions, option names and defaults.
///
/// Spec text: `sgd(lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-4)`,
/// `adam(0.01)` (the learning rate may be positional), `adamw(lr: 0.001, weight_decay: 0.01)`,
/// `rmsprop(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, weight_decay: 0, centered: false)`.
/// The protocol's JSON object has the same field names with a `"type"`.
public enum OptimizerSpec: Sendable, Hashable, CustomStringConvertible {
    /// Stochastic gradient descent: `g += wd·p`; with momentum `b = μ·b + g` (`b = g` at the
    /// first step), `g = nesterov ? g + μ·b : b`; `p -= lr·g`.
    case sgd(learningRate: Double = 0.001, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0)
    /// Adam with L2 weight decay added to the gradient (`g += wd·p`) and bias correction.
    case adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0)
    /// AdamW: Adam with decoupled weight decay, `p -= lr·wd·p` before the Adam update.
    case adamW(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01)
    /// RMSprop as PyTorch's: `v = α·v + (1−α)·g²` (centered: minus the squared running mean of
    /// `g`), then `g / (√v + eps)` with optional momentum.
    case rmsprop(learningRate: Double = 0.01, alpha: Double = 0.99, epsilon: Double = 1e-8, momentum: Double = 0, weightDecay: Double = 0, centered: Bool = false)

    /// Every optimizer type's name, as ``name`` gives it.
    public static let typeNames = ["sgd", "adam", "adamw", "rmsprop"]

    /// The spec name and the JSON `"type"`: `sgd`, `adam`, `adamw`, `rmsprop`.
    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .adam: "adam"
        case .adamW: "adamw"
        case .rmsprop: "rmsprop"
        }
    }

    /// The base learning rate.
    public var learningRate: Double {
        switch self {
        case .sgd(let lr, _, _, _), .adam(let lr, _, _, _, _), .adamW(let lr, _, _, _, _), .rmsprop(let lr, _, _, _, _, _): lr
        }
    }

    /// Reads an optimizer from spec text.
    ///
    /// - Parameter text: E.g. `"adam(lr: 0.001)"`.
    /// - Throws: ``SpecError`` for text that does not parse, an unknown optimizer or option, or
    ///   an invalid value (lr ≤ 0, momentum or a beta outside [0, 1), eps ≤ 0, negative weight
    ///   decay, nesterov without momentum).
    public init(parsing text: String) throws(SpecError) {
        let calls = try NamedCall.parse(text, kind: "optimizer")
        guard calls.count == 1 else {
            let range = calls.count > 1 ? calls[1].call.range : 0..<0
            throw SpecError(calls.isEmpty ? "no optimizer given" : "expected one optimizer", source: text, range: range)
        }
        try self.init(calls[0])
    }

    /// The canonical spec: `lr` always, the other options when they differ from their defaults.
    public var description: String {
        let defaults = Self.defaults(name)
        let options = fields.filter { $0.name == "lr" || defaults[$0.name] != $0.value }
        return "\(name)(\(options.map { "\($0.name): \($0.value.text)" }.joined(separator: ", ")))"
    }

    private init(_ located: NamedCall.Located) throws(SpecError) {
        let optionNames: [String: [String]] = [
            "sgd": ["lr", "momentum", "nesterov", "weight_decay"],
            "adam": ["lr", "beta1", "beta2", "eps", "weight_decay"],
            "adamw": ["lr", "beta1", "beta2", "eps", "weight_decay"],
            "rmsprop": ["lr", "alpha", "eps", "momentum", "weight_decay", "centered"],
        ]
        let name = located.call.name
        guard let names = optionNames[name] else {
            throw NamedCall.unknown(located, kind: "optimizer", known: ["sgd", "adam", "adamw", "rmsprop"])
        }
        let options = try OptionReader(located.call, options: names, positional: 1, site: located.site)
        let defaults = Self.defaults(name)
        func real(_ key: String, _ expected: String, _ accepts: (Double) -> Bool) throws(SpecError) -> Double {
            guard case .number(let fallback) = defaults[key] else { preconditionFailure("no default for \(key)") }
            return try options.number(key, default: fallback, expected: expected, accepts: accepts)
        }
        let unit = "a number in [0, 1)"
        let lr = try real("lr", "a positive number") { $0 > 0 }
        let weightDecay = try real("weight_decay", "a non-negative number") { $0 >= 0 }
        switch name {
        case "sgd":
            let momentum = try real("momentum", unit) { $0 >= 0 && $0 < 1 }
            let nesterov = try options.boolean("nesterov", default: false)
            if nesterov && momentum == 0 {
                throw options.error("needs momentum > 0", option: "nesterov")
            }
            self = .sgd(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case "adam", "adamw":
            let beta1 = try real("beta1", unit) { $0 >= 0 && $0 < 1 }
            let beta2 = try real("beta2", unit) { $0 >= 0 && $0 < 1 }
            let epsilon = try real("eps", "a positive number") { $0 > 0 }
            self = name == "adam"
                ? .adam(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
                : .adamW(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        default:
            self = .rmsprop(
                learningRate: lr,
                alpha: try real("alpha", unit) { $0 >= 0 && $0 < 1 },
                epsilon: try real("eps", "a positive number") { $0 > 0 },
                momentum: try real("momentum", unit) { $0 >= 0 && $0 < 1 },
                weightDecay: weightDecay,
                centered: try options.boolean("centered", default: false))
        }
    }

    /// An option's value, as written in text and in JSON.
    private enum Value: Hashable {
        case number(Double)
        case flag(Bool)

        var text: String {
            switch self {
            case .number(let value): canonicalNumberText(value)
            case .flag(let value): String(value)
            }
        }
    }

    /// The options in canonical order with their values.
    private var fields: [(name: String, value: Value)] {
        switch self {
        case .sgd(let lr, let momentum, let nesterov, let weightDecay):
            return [("lr", .number(lr)), ("momentum", .number(momentum)), ("nesterov", .flag(nesterov)), ("weight_decay", .number(weightDecay))]
        case .adam(let lr, let beta1, let beta2, let epsilon, let weightDecay), .adamW(let lr, let beta1, let beta2, let epsilon, let weightDecay):
            return [("lr", .number(lr)), ("beta1", .number(beta1)), ("beta2", .number(beta2)), ("eps", .number(epsilon)), ("weight_decay", .number(weightDecay))]
        case .rmsprop(let lr, let alpha, let epsilon, let momentum, let weightDecay, let centered):
            return [("lr", .number(lr)), ("alpha", .number(alpha)), ("eps", .number(epsilon)), ("momentum", .number(momentum)),
                    ("weight_decay", .number(weightDecay)), ("centered", .flag(centered))]
        }
    }

    /// PyTorch's defaults for the optimizer named `name`.
    private static func defaults(_ name: String) -> [String: Value] {
        let optimizer: OptimizerSpec = switch name {
        case "sgd": .sgd()
        case "adam": .adam()
        case "adamw": .adamW()
        default: .rmsprop()
        }
        return Dictionary(uniqueKeysWithValues: optimizer.fields.map { ($0.name, $0.value) })
    }
}

/// An optimizer as the protocol's JSON object, `{"type": "sgd", "lr": 0.1, ...}`: the one
/// definition of its JSON, for the `step` request and for files alike.
extension OptimizerSpec: Codable {
    /// Reads an optimizer object, its fields validated as the options of the spec language.
    ///
    /// - Throws: ``SpecError`` naming the field: `optimizer.lr: expected a positive number, got 0`;
    ///   `DecodingError` when the value is not an object with a string `"type"`.
    public init(from decoder: any Decoder) throws {
        let path = decoder.codingPath.jsonPath
        try self.init(NamedCall.Located(call: SpecCall(jsonObjectFrom: decoder), site: .json(path: path.isEmpty ? "optimizer" : path)))
    }

    /// Writes the optimizer object, every option written, defaults included, so that a program
    /// need not know PyTorch's defaults.
    public func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: JSONPathKey.self)
        try object.encode(name, forKey: JSONPathKey("type"))
        for (key, value) in fields {
            switch value {
            case .number(let number): try object.encode(number, forKey: JSONPathKey(key))
            case .flag(let flag): try object.encode(flag, forKey: JSONPathKey(key))
            }
        }
    }
}
