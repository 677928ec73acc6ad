import Foundation

/// How a chart axis maps values to positions: linearly, or by their logarithm.
public enum ScaleKind: String, Sendable, Hashable {
    /// Equal differences, equal distances.
    case linear
    /// Equal ratios, equal distances; only positive values can be drawn.
    case log
}

/// An axis: a domain of values mapped onto a range of positions, with its ticks.
///
/// The domain is widened to round numbers (``fitting(_:kind:start:end:)``): a linear domain to
/// whole multiples of its tick step (1, 2 or 5 times a power of ten, about five ticks), a
/// logarithmic one to whole powers of ten.
struct Scale: Sendable, Hashable {
    let kind: ScaleKind
    /// The smallest and largest values shown.
    let lower: Double, upper: Double
    /// The positions of `lower` and `upper` (an upward y axis has `start > end`).
    let start: Double, end: Double
    /// The distance between ticks of a linear scale.
    var step: Double = 1

    /// The position of `value`.
    func position(_ value: Double) -> Double {
        start + fraction(value) * (end - start)
    }

    /// The value at `position`: the inverse of ``position(_:)``.
    func value(at position: Double) -> Double {
        let t = (position - start) / (end - start)
        switch kind {
        case .linear: return lower + t * (upper - lower)
        case .log: return Foundation.pow(10, log10(lower) + t * (log10(upper) - log10(lower)))
        }
    }

    /// Where `value` lies between the ends, 0 at `lower` and 1 at `upper`.
    private func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear: return (value - lower) / (upper - lower)
        case .log: return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Whether `value` can be drawn on this axis at all (finite, and positive on a log axis).
    func accepts(_ value: Double) -> Bool {
        value.isFinite && (kind == .linear || value > 0)
    }

    /// A scale whose domain covers `values` (those it ``accepts(_:)``), widened to round numbers;
    /// with no such value, `0...1` (linear) or `1...10` (log).
    static func fitting(_ values: [Double], kind: ScaleKind, start: Double, end: Double) -> Scale {
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        guard var low = usable.min(), var high = usable.max() else {
            return kind == .linear
                ? Scale(kind: kind, lower: 0, upper: 1, start: start, end: end, step: 0.2)
                : Scale(kind: kind, lower: 1, upper: 10, start: start, end: end)
        }
        switch kind {
        case .linear:
            if low == high {
                let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
                (low, high) = (low - pad, high + pad)
            }
            let step = niceStep((high - low) / 5)
            // Values a rounding error past a multiple do not add a whole step.
            let slack = step * 1e-9
            return Scale(
                kind: kind, lower: ((low + slack) / step).rounded(.down) * step,
                upper: ((high - slack) / step).rounded(.up) * step, start: start, end: end, step: step)
        case .log:
            var lowExponent = log10(low).rounded(.down), highExponent = log10(high).rounded(.up)
            if lowExponent == highExponent { highExponent += 1 }
            // Rounding can put an exact power a hair past itself.
            if Foundation.pow(10, lowExponent + 1) <= low * (1 + 1e-12) { lowExponent += 1 }
            return Scale(kind: kind, lower: Foundation.pow(10, lowExponent), upper: Foundation.pow(10, highExponent), start: start, end: end)
        }
    }

    /// 1, 2 or 5 times a power of ten, the smallest such at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = Foundation.pow(10, log10(raw).rounded(.down))
        let fraction = raw / power
        let nice: Double = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10
        return nice * power
    }

    /// The values that get a tick and a label: every step of a linear scale; every power of ten
    /// of a log scale (every other one past eight decades, every third past sixteen, and so on:
    /// at most about eight labels), with 2× and 5× when it spans a single decade.
    var ticks: [Double] {
        switch kind {
        case .linear:
            let step = self.step
            let count = Int(((upper - lower) / step).rounded())
            return (0...Swift.max(count, 0)).map { lower + Double($0) * step }.map { Swift.abs($0) < step * 1e-9 ? 0 : $0 }
        case .log:
            let first = Int(log10(lower).rounded()), last = Int(log10(upper).rounded())
            // Labels a chart's height keeps apart (46 decades at every other one overlapped).
            let stride = last - first > 8 ? Swift.max(2, (last - first + 7) / 8) : 1
            var ticks = Swift.stride(from: first, through: last, by: stride).map { Foundation.pow(10, Double($0)) }
            if last - first == 1 { ticks = [ticks[0], 2 * ticks[0], 5 * ticks[0], ticks[1]] }
            return ticks
        }
    }

    /// A tick's label: as many decimals as the step needs on a linear scale; on a log scale one
    /// format for the whole axis: powers of ten (`10⁻⁵`, `10⁰`, `10²`) when it spans more than
    /// a decade and reaches past 0.001 or 1000, plain numbers (`0.01`, `200`) otherwise.
    func label(_ value: Double) -> String {
        switch kind {
        case .linear:
            if value == 0 { return "0" }
            let magnitude = Swift.max(Swift.abs(lower), Swift.abs(upper))
            if magnitude >= 1e5 || step < 1e-4 { return String(format: "%.1e", value) }
            let decimals = Swift.max(0, Int((-log10(step) - 1e-9).rounded(.up)))
            return String(format: "%.\(decimals)f", value)
        case .log:
            let exponent = log10(value)
            let (first, last) = (log10(lower).rounded(), log10(upper).rounded())
            let powers = last - first > 1 && (first < -3 || last > 3)
            if powers, exponent == exponent.rounded() { return "10" + superscript(Int(exponent)) }
            return String(format: "%g", value)
        }
    }

    /// `-5` as `⁻⁵`.
    private func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (value < 0 ? "⁻" : "") + String(String(Swift.abs(value)).map { digits[Int(String($0))!] })
    }
}
