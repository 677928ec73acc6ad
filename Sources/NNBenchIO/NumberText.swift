import Foundation

/// The shortest text that reads back as the same double: `3`, `0.1`, `1e-05`. Integral values
/// below 10¹⁵ are written without a fraction, as a person would write them in a spec or a file.
///
/// - Parameter value: The number.
/// - Returns: Its text.
package func canonicalNumberText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

extension Double {
    /// The number as nnbench prints it for people: six significant digits, which is more than a
    /// Float32 training run's metrics are worth and all a derived bound (`0.9 × Bayes accuracy`)
    /// needs, without the noise of the last binary digit (`0.012001`, not `0.012001000000000001`);
    /// `nan` for every NaN whatever its sign bit, `inf` and `-inf`.
    package var numberText: String {
        if isNaN { return "nan" }
        if isInfinite { return self < 0 ? "-inf" : "inf" }
        return String(format: "%.6g", self)
    }
}
