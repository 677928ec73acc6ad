/// The shortest text that reads back as the same double: `3`, `0.1`, `1e-05`. Integral values
/// below 10¹⁵ are written without a fraction, as a person would write them in a spec or a file.
///
/// - Parameter value: The number.
/// - Returns: Its text.
package func canonicalNumberText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
