import Foundation

/// A model as the protocol's `build` request gives it: an input shape and an architecture,
/// `{"inputs": 3 or [1, 8, 8], "layers": [{"type": "dense", "units": 2}, ...]}`.
///
/// Besides the protocol's fields, nnbench reads and writes optional fields for its additions:
/// `init` (an initializer spec, e.g. `"he_normal"` or `"constant(0.5)"`), `bias` on conv2d,
/// `momentum` and `eps` on batchnorm, and the layer types `softplus`, `gelu`, `batchnorm` and
/// `avgpool2d`. Unknown fields are refused, so that a misspelt field is not silently ignored.
public struct ModelSpec: Sendable, Hashable {
    /// The shape of one input sample: `[features]` or `[channels, height, width]`.
    public var inputShape: [Int]
    /// The layers.
    public var architecture: ArchitectureSpec

    /// Creates a model.
    public init(inputShape: [Int], architecture: ArchitectureSpec) {
        self.inputShape = inputShape
        self.architecture = architecture
    }

    /// Reads a model from its decoded JSON object.
    ///
    /// - Parameter jsonModel: The object as `JSONSerialization` decodes it (or built from Swift
    ///   dictionaries, arrays, strings, numbers and booleans).
    /// - Throws: ``SpecError`` naming the field's path: `layers[2].units: expected a positive
    ///   integer, got "x"`.
    public init(jsonModel: Any) throws(SpecError) {
        guard let model = jsonModel as? [String: Any] else {
            throw SpecError("expected a model object {\"inputs\": ..., \"layers\": [...]}, got \(JSONObjectReading.text(of: jsonModel))", subject: "model")
        }
        if let unknown = model.keys.sorted().first(where: { $0 != "inputs" && $0 != "layers" }) {
            throw SpecError("unknown field; a model's fields are: inputs, layers", subject: unknown)
        }
        guard let inputs = model["inputs"] else { throw SpecError("missing field \"inputs\"", subject: "model") }
        guard let layers = model["layers"] else { throw SpecError("missing field \"layers\"", subject: "model") }
        self.inputShape = try Self.shape(inputs)
        guard let objects = layers as? [Any] else {
            throw SpecError("expected an array of layer objects, got \(JSONObjectReading.text(of: layers))", subject: "layers")
        }
        var specs: [LayerSpec] = []
        for (index, object) in objects.enumerated() {
            let path = "layers[\(index)]"
            let call = try JSONObjectReading.call(object, path: path, layerIndex: index)
            specs.append(try LayerSpec(call, site: .json(path: path, layerIndex: index)))
        }
        self.architecture = ArchitectureSpec(canonical: specs, isFromJSONModel: true)
    }

    /// Reads a model from JSON text.
    ///
    /// - Throws: ``SpecError`` when the data is not JSON or not a model.
    public init(jsonData: Data) throws(SpecError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: jsonData, options: [.fragmentsAllowed])
        } catch {
            throw SpecError("not valid JSON: \(error.localizedDescription)", subject: "model")
        }
        try self.init(jsonModel: object)
    }

    /// The model as a JSON object for `JSONSerialization`; ``init(jsonModel:)`` reads it back
    /// to an equal model. Protocol layers carry every protocol field, defaults included, so that a
    /// program need not know the defaults; nnbench's optional fields appear only when they differ
    /// from their defaults.
    public var jsonModel: [String: Any] {
        architecture.jsonModel(inputShape: inputShape)
    }

    /// Infers every layer's shapes and checks the model; see
    /// ``ArchitectureSpec/resolve(inputShape:outputWidth:)``.
    ///
    /// - Throws: ``SpecError`` naming `layers[i]` when the model cannot work.
    public func resolve(outputWidth: Int?) throws(SpecError) -> ResolvedArchitecture {
        try architecture.resolve(inputShape: inputShape, outputWidth: outputWidth)
    }

    private static func shape(_ inputs: Any) throws(SpecError) -> [Int] {
        let values = (inputs as? [Any]) ?? [inputs]
        let dimensions = values.compactMap { value -> Int? in
            guard case .number(let number) = JSONObjectReading.value(of: value), number == number.rounded(), number >= 1, number < 1e9 else { return nil }
            return Int(number)
        }
        guard dimensions.count == values.count, dimensions.count == 1 || dimensions.count == 3 else {
            throw SpecError("expected a positive integer or [channels, height, width], got \(JSONObjectReading.text(of: inputs))", subject: "inputs")
        }
        return dimensions
    }
}

extension ArchitectureSpec {
    /// The protocol's model object for this architecture on inputs of `inputShape`.
    ///
    /// - Parameters:
    ///   - inputShape: `[features]` (written as a number) or `[channels, height, width]`.
    ///   - version: The protocol version of the program it is for: version 2 writes every field
    ///     of every layer, defaults included; version 1 only version 1's fields, and nnbench's
    ///     additions where they differ from their defaults.
    /// - Returns: `{"inputs": ..., "layers": [...]}` for `JSONSerialization`.
    public func jsonModel(inputShape: [Int], version: Int = 1) -> [String: Any] {
        let inputs: Any = inputShape.count == 1 ? inputShape[0] : inputShape
        return ["inputs": inputs, "layers": layers.map { $0.jsonObject(everyField: version >= 2) }]
    }
}

extension LayerSpec {
    /// The layer as a protocol layer object: with `everyField`, every field, defaults included.
    func jsonObject(everyField: Bool = false) -> [String: Any] {
        var object: [String: Any] = ["type": name]
        switch self {
        case .dense(let units, let bias, let initializer):
            object["units"] = units
            object["bias"] = bias
            if everyField || initializer != .glorotUniform { object["init"] = initializer.description }
        case .leakyReLU(let slope):
            object["slope"] = slope
        case .dropout(let rate):
            object["rate"] = rate
        case .batchNorm(let momentum, let epsilon):
            if everyField || momentum != 0.1 { object["momentum"] = momentum }
            if everyField || epsilon != 1e-5 { object["eps"] = epsilon }
        case .conv2d(let filters, let kernel, let stride, let padding, let bias, let initializer):
            object["filters"] = filters
            object["kernel"] = kernel
            object["stride"] = stride
            object["padding"] = padding
            if everyField || !bias { object["bias"] = bias }
            if everyField || initializer != .glorotUniform { object["init"] = initializer.description }
        case .maxPool2d(let size, let stride), .avgPool2d(let size, let stride):
            object["size"] = size
            object["stride"] = stride ?? size
        case .relu, .tanh, .sigmoid, .identity, .softplus, .gelu, .flatten:
            break
        }
        return object
    }
}
