/// A sequence of layers, with the text it was read from so that errors can point into it.
///
/// Written as one line of layers separated by whitespace or `->`, options in parentheses:
/// `conv2d(8, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(10)`. Two architectures
/// are equal when their layers are, however they were written.
public struct ArchitectureSpec: Sendable, Hashable, CustomStringConvertible {
    /// The layers in order; a layer's index (activations included) names its parameters.
    public let layers: [LayerSpec]
    /// The text the architecture was read from; the canonical form when it was built in code
    /// or read from a JSON model.
    public let source: String
    /// Each layer's characters in ``source``, as character offsets.
    public let layerRanges: [Range<Int>]
    /// Whether the layers came from a JSON model, whose errors name `layers[i]` instead of
    /// pointing into text.
    let isFromJSONModel: Bool

    /// Creates an architecture from layers; its ``source`` is the canonical form.
    ///
    /// - Parameter layers: The layers in order.
    public init(_ layers: [LayerSpec]) {
        self.init(canonical: layers, isFromJSONModel: false)
    }

    /// Reads an architecture from the one-line spec language.
    ///
    /// - Parameter text: E.g. `"dense(16) relu dense(16) relu dense(2)"`.
    /// - Throws: ``SpecError``, pointing at the offending token or layer, for text that does not
    ///   parse, an unknown layer or option, a bad option value, or no layers at all.
    public init(parsing text: String) throws(SpecError) {
        let calls = try SpecParser.sequence(text, noun: "a layer name")
        guard !calls.isEmpty else {
            throw SpecError("the architecture has no layers", source: text, range: 0..<0)
        }
        let characters = Array(text)
        var layers: [LayerSpec] = []
        for (index, call) in calls.enumerated() {
            let subject = "layer \(index) '\(String(characters[call.range]))'"
            layers.append(try LayerSpec(call, site: .text(text, subject: subject, range: call.range, layerIndex: index)))
        }
        self.layers = layers
        self.source = text
        self.layerRanges = calls.map(\.range)
        self.isFromJSONModel = false
    }

    /// Creates an architecture whose source is the canonical form of `layers`.
    init(canonical layers: [LayerSpec], isFromJSONModel: Bool) {
        var ranges: [Range<Int>] = []
        var offset = 0
        for layer in layers {
            let length = layer.description.count
            ranges.append(offset..<offset + length)
            offset += length + 1
        }
        self.layers = layers
        self.source = layers.map(\.description).joined(separator: " ")
        self.layerRanges = ranges
        self.isFromJSONModel = isFromJSONModel
    }

    /// The canonical one-line form, which parses back to an equal architecture.
    public var description: String {
        layers.map(\.description).joined(separator: " ")
    }

    /// An error about layer `index`: `layer 3 'dense(16)': message` under a caret in text,
    /// `layers[3] 'dense(16)': message` for a JSON model.
    ///
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - index: The layer at fault.
    ///   - namingLayer: Whether the subject names the layer; `false` when the message does.
    func error(_ message: String, atLayer index: Int, namingLayer: Bool = true) -> SpecError {
        guard !isFromJSONModel else {
            let subject = "layers[\(index)] '\(layers[index])'"
            return SpecError(message, subject: namingLayer ? subject : nil, layerIndex: index)
        }
        let subject = "layer \(index) '\(layerText(index))'"
        return SpecError(message, subject: namingLayer ? subject : nil, source: source, range: layerRanges[index], layerIndex: index)
    }

    /// Layer `index` as written.
    func layerText(_ index: Int) -> String {
        String(Array(source)[layerRanges[index]])
    }

    /// Whether two architectures have the same layers, however they were written.
    public static func == (lhs: ArchitectureSpec, rhs: ArchitectureSpec) -> Bool {
        lhs.layers == rhs.layers
    }

    /// Hashes the layers, as ``==`` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(layers)
    }
}
