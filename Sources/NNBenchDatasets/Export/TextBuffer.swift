/// A growing buffer of UTF-8 text that the exporters write numbers and names into, without
/// building a `String` per value where they can avoid it.
struct TextBuffer {
    /// An upper estimate of a number's text and its separator, to reserve capacity:
    /// `-0.12345678901234568,` is 21 bytes.
    static let bytesPerNumber = 22

    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// Creates an empty buffer with room for `capacity` bytes.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends fixed text: punctuation, keys.
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends text.
    mutating func append(text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes of UTF-8 text.
    mutating func append(bytes text: [UInt8]) {
        bytes.append(contentsOf: text)
    }

    /// Appends an integer in decimal.
    mutating func append(integer value: Int) {
        if value < 0 { append("-") }
        // The magnitude is unsigned so that Int.min does not overflow.
        var magnitude = value.magnitude
        // Room for the 20 digits of UInt64.max, filled from the end.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[position...])
        }
    }

    /// Appends the shortest text that reads back to the same double, as Swift's `description`
    /// writes it (`0.1`, `1.0`, `-0.0`, `5e-324`, `nan`, `inf`).
    mutating func append(number value: Double) {
        append(text: value.description)
    }

    /// Appends a class label or binary target as an integer (`0`, `1`, `2`); a value that is not
    /// a whole number is written as a number, so that nothing is lost.
    mutating func append(label value: Double) {
        // 2^53: beyond it not every integer is a double, and the conversion to Int could trap.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992, value != 0 || value.sign == .plus {
            append(integer: Int(value))
        } else {
            append(number: value)
        }
    }
}
