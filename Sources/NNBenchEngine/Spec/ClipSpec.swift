import NNBenchIO

/// Gradient clipping before each optimizer step.
///
/// Spec text: `norm(1.0)` (or `norm(max_norm: 1.0)`), `value(0.5)` (or `value(clip_value: 0.5)`).
public enum ClipSpec: Sendable, Hashable, CustomStringConvertible {
    /// Scales all gradients together so that their global L2 norm (over every parameter) is at
    /// most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`: the factor is
    /// `min(1, maxNorm / (norm + 1e-6))`.
    case norm(maxNorm: Double)
    /// Clamps each gradient value to `[-clipValue, clipValue]`, as `torch.nn.utils.clip_grad_value_`.
    case value(clipValue: Double)

    /// Reads a clip from spec text.
    ///
    /// - Parameter text: E.g. `"norm(1.0)"`.
    /// - Throws: ``SpecError`` for text that does not parse, an unknown clip or option, or a
    ///   bound that is not a positive number.
    public init(parsing text: String) throws(SpecError) {
        let calls = try NamedCall.parse(text, kind: "clip")
        guard calls.count == 1 else {
            let range = calls.count > 1 ? calls[1].call.range : 0..<0
            throw SpecError(calls.isEmpty ? "no clip given; write norm(max) or value(max)" : "expected one clip", source: text, range: range)
        }
        let located = calls[0]
        let option: String
        switch located.call.name {
        case "norm": option = "max_norm"
        case "value": option = "clip_value"
        default: throw NamedCall.unknown(located, kind: "clip", known: ["norm", "value"])
        }
        let options = try OptionReader(located.call, options: [option], positional: 1, site: located.site)
        let bound = try options.number(option, expected: "a positive number") { $0 > 0 }
        self = located.call.name == "norm" ? .norm(maxNorm: bound) : .value(clipValue: bound)
    }

    /// The canonical spec: `norm(1)`, `value(0.5)`.
    public var description: String {
        switch self {
        case .norm(let maxNorm): "norm(\(canonicalNumberText(maxNorm)))"
        case .value(let clipValue): "value(\(canonicalNumberText(clipValue)))"
        }
    }
}
