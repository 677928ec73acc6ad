/// The place a call's options came from, which decides how errors about them read: in spec text
/// they name the call and point at the argument (`layer 2 'dense(0)': units: expected ...`); in a
/// JSON object they name the field's path (`layers[2].units: expected ...`).
struct ErrorSite: Sendable {
    /// The spec text, or empty for JSON.
    var source: String
    /// The call at fault: `layer 2 'dense(0)'`, `optimizer 'adam(lr: 0)'`; or the JSON path of
    /// its object: `layers[2]`, `optimizer`.
    var subject: String
    /// The call's characters in the text; `nil` for JSON.
    var range: Range<Int>?
    /// The layer's index, when the call is a layer.
    var layerIndex: Int?
    /// Whether the options came from a JSON object.
    var isJSON: Bool

    /// A site in spec text.
    static func text(_ source: String, subject: String, range: Range<Int>, layerIndex: Int? = nil) -> ErrorSite {
        ErrorSite(source: source, subject: subject, range: range, layerIndex: layerIndex, isJSON: false)
    }

    /// A site in a JSON object at `path`.
    static func json(path: String, layerIndex: Int? = nil) -> ErrorSite {
        ErrorSite(source: "", subject: path, range: nil, layerIndex: layerIndex, isJSON: true)
    }

    /// What an option is called where it was written: `option` in text, `field` in JSON.
    var optionWord: String { isJSON ? "field" : "option" }

    /// An error about the call, or about one of its options.
    ///
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - field: The option at fault, if any.
    ///   - range: The option's characters in the text, if known.
    /// - Returns: The error.
    func error(_ message: String, field: String? = nil, range: Range<Int>? = nil) -> SpecError {
        if isJSON {
            let path = field.map { "\(subject).\($0)" } ?? subject
            return SpecError(message, subject: path, layerIndex: layerIndex)
        }
        let text = field.map { "\($0): \(message)" } ?? message
        return SpecError(text, subject: subject, source: source, range: range ?? self.range, layerIndex: layerIndex)
    }
}
