import Foundation
import NNBenchIO

/// A model as the protocol's `build` request gives it: an input shape and an architecture,
/// `{"inputs": 3 or [1, 8, 8], "layers": [{"type": "dense", "units": 2}, ...]}`.
///
/// Besides the protocol's fields, nnbench reads and writes optional fields for its additions:
/// `init` (an initializer spec, e.g. `"he_normal"` or `"constant(0.5)"`), `bias` on conv2d,
/// `momentum` and `eps` on batchnorm, the layer types `softplus`, `gelu`, `batchnorm` and
/// `avgpool2d`, the recurrent layers and `embedding`, and sequence inputs `[steps, features]`. Unknown fields are refused, so that a misspelt field is not silently ignored.
///
/// Its `Codable` conformance is the one definition of a model's JSON: model files are read with
/// it (``init(jsonData:)``), and the protocol's `build` request is written with it.
public struct ModelSpec: Sendable, Hashable {
    /// The shape of one input sample: `[features]` (or `[steps]` of token indices before an
    /// `embedding`), `[steps, features]`, or `[channels, height, width]`.
    public var inputShape: [Int]
    /// The layers.
    public var architecture: ArchitectureSpec

    /// Creates a model.
    public init(inputShape: [Int], architecture: ArchitectureSpec) {
        self.inputShape = inputShape
        self.architecture = architecture
    }

    /// Reads a model from JSON text.
    ///
    /// - Throws: ``SpecError`` naming the field's path: `layers[2].units: expected a positive
    ///   integer, got "x"`, `loss: unknown field; expected one of: inputs, layers`, or `model: ...`
    ///   for the model as a whole.
    public init(jsonData: Data) throws(SpecError) {
        do {
            self = try JSONDecoder().decodeRefusingRepeatedFields(ModelSpec.self, from: Array(jsonData))
        } catch let error as SpecError {
            throw error
        } catch let error as DecodingError {
            let path = error.fieldPath
            // Within `layers[i]`, the error is about layer i.
            let layerIndex = path.hasPrefix("layers[") ? Int(path.dropFirst(7).prefix { $0.isNumber }) : nil
            throw SpecError(error.problem, subject: path.isEmpty ? "model" : path, layerIndex: layerIndex)
        } catch {
            // The model's readers throw nothing but spec and decoding errors.
            throw SpecError("\(error)", subject: "model")
        }
    }

    /// Infers every layer's shapes and checks the model; see
    /// ``ArchitectureSpec/resolve(inputShape:outputWidth:)``.
    ///
    /// - Throws: ``SpecError`` naming `layers[i]` when the model cannot work.
    public func resolve(outputWidth: Int?) throws(SpecError) -> ResolvedArchitecture {
        try architecture.resolve(inputShape: inputShape, outputWidth: outputWidth)
    }
}

extension ModelSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case inputs, layers
    }

    /// Reads a model object strictly: `inputs` and `layers`, no other field.
    ///
    /// - Throws: ``SpecError`` for a bad layer field; `DecodingError` for anything else.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self, expected: #"a model object {"inputs": ..., "layers": [...]}"#)
        let expected = "a positive integer, [steps, features] or [channels, height, width]"
        let inputShape = try fields.value(.inputs, expected: expected) { json in
            let values = if case .array(let elements) = json { elements } else { [json] }
            let dimensions = values.compactMap { $0.integer.flatMap { $0 >= 1 && $0 < 1_000_000_000 ? $0 : nil } }
            return dimensions.count == values.count && (1...3).contains(dimensions.count) ? dimensions : nil
        }
        let layers = try fields.decode([LayerSpec].self, forKey: .layers, expected: "an array of layer objects")
        self.init(inputShape: inputShape, architecture: ArchitectureSpec(canonical: layers, isFromJSONModel: true))
    }

    /// Writes the model object; ``init(from:)`` reads it back to an equal model. A flat input
    /// shape is written as a number, as the protocol has it.
    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        if inputShape.count == 1 {
            try fields.encode(inputShape[0], forKey: .inputs)
        } else {
            try fields.encode(inputShape, forKey: .inputs)
        }
        try fields.encode(architecture.layers, forKey: .layers)
    }
}
