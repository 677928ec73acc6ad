/// Text and numbers as the XML nnbench writes (SVG, XHTML, JUnit) holds them.
enum XMLText {
    /// Text as XML character data or an attribute value: `& < > " '` as entities, and the
    /// characters XML 1.0 does not allow at all (controls other than tab, line feed and carriage
    /// return, lone surrogates cannot occur in a Swift string) as U+FFFD, so that whatever a
    /// program printed still gives a well-formed file.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A coordinate or length for SVG, rounded to a hundredth of a pixel (far below what a
    /// screen or printer shows) with no trailing zeros: `12`, `12.5`, `-0.25`. Written by hand
    /// rather than with `String(format:)`, which costs microseconds a call on Linux and a
    /// report writes hundreds of thousands of them.
    static func number(_ value: Double) -> String {
        let scaled = (value * 100).rounded()
        guard scaled.isFinite, Swift.abs(scaled) < 1e15 else { return "0" }
        let hundredths = Int(scaled)
        if hundredths == 0 { return "0" }
        let magnitude = Swift.abs(hundredths)
        let whole = magnitude / 100, fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + String(whole) + "." + String(fraction / 10) }
        return sign + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }
}
