import NNBenchIO

/// A layer as the protocol's layer object, `{"type": "dense", "units": 2, "bias": true}`: the one
/// definition of a layer's JSON, for model files and for the `build` request alike.
extension LayerSpec: Codable {
    /// Reads a layer object, its fields validated as the options of the spec language.
    ///
    /// - Throws: ``SpecError`` naming the field's path, `layers[2].units: expected a positive
    ///   integer, got "x"`; `DecodingError` when the value is not an object with a string `"type"`.
    public init(from decoder: any Decoder) throws {
        let path = decoder.codingPath.jsonPath
        let site = ErrorSite.json(path: path.isEmpty ? "layer" : path, layerIndex: decoder.codingPath.last?.intValue)
        try self.init(SpecCall(jsonObjectFrom: decoder), site: site)
    }

    /// The fields of every layer object.
    private enum Field: String, CodingKey {
        case type, units, bias, `init`, slope, rate, momentum, eps, filters, kernel, stride, padding, size
        case nonlinearity, sequence, forgetBias = "forget_bias", vocabulary, dim
    }

    /// Writes the layer object. Protocol fields are all written, defaults included, so that a
    /// program need not know the defaults; fields version 1 of the protocol lacks (`init`,
    /// conv2d's `bias`, batchnorm's `momentum` and `eps`) only when they differ from their
    /// defaults, unless the encoder's ``CodingUserInfoKey/everyLayerField`` is `true` (version 2).
    /// The recurrent layers and `embedding` are version 2's and write every field, `forget_bias`
    /// only when it is set (absent, it is PyTorch's initialisation).
    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: Field.self)
        let every = encoder.userInfo[.everyLayerField] as? Bool ?? false
        try fields.encode(name, forKey: .type)
        switch self {
        case .dense(let units, let bias, let initializer):
            try fields.encode(units, forKey: .units)
            try fields.encode(bias, forKey: .bias)
            if every || initializer != .glorotUniform { try fields.encode(initializer.description, forKey: .`init`) }
        case .leakyReLU(let slope):
            try fields.encode(slope, forKey: .slope)
        case .dropout(let rate):
            try fields.encode(rate, forKey: .rate)
        case .batchNorm(let momentum, let epsilon):
            if every || momentum != 0.1 { try fields.encode(momentum, forKey: .momentum) }
            if every || epsilon != 1e-5 { try fields.encode(epsilon, forKey: .eps) }
        case .conv2d(let filters, let kernel, let stride, let padding, let bias, let initializer):
            try fields.encode(filters, forKey: .filters)
            try fields.encode(kernel, forKey: .kernel)
            try fields.encode(stride, forKey: .stride)
            try fields.encode(padding, forKey: .padding)
            if every || !bias { try fields.encode(bias, forKey: .bias) }
            if every || initializer != .glorotUniform { try fields.encode(initializer.description, forKey: .`init`) }
        case .maxPool2d(let size, let stride), .avgPool2d(let size, let stride):
            try fields.encode(size, forKey: .size)
            try fields.encode(stride ?? size, forKey: .stride)
        case .relu, .tanh, .sigmoid, .identity, .softplus, .gelu, .flatten:
            break
        case .rnn(let units, let nonlinearity, let sequence, let bias):
            try fields.encode(units, forKey: .units)
            try fields.encode(nonlinearity.rawValue, forKey: .nonlinearity)
            try fields.encode(sequence, forKey: .sequence)
            try fields.encode(bias, forKey: .bias)
        case .lstm(let units, let sequence, let bias, let forgetBias):
            try fields.encode(units, forKey: .units)
            try fields.encode(sequence, forKey: .sequence)
            try fields.encode(bias, forKey: .bias)
            try fields.encodeIfPresent(forgetBias, forKey: .forgetBias)
        case .gru(let units, let sequence, let bias):
            try fields.encode(units, forKey: .units)
            try fields.encode(sequence, forKey: .sequence)
            try fields.encode(bias, forKey: .bias)
        case .embedding(let vocabulary, let dim):
            try fields.encode(vocabulary, forKey: .vocabulary)
            try fields.encode(dim, forKey: .dim)
        }
    }
}

extension CodingUserInfoKey {
    /// Set to `true` in an encoder's `userInfo` to write every field of every layer, defaults
    /// included, as version 2 of the model protocol sends models.
    public static let everyLayerField = CodingUserInfoKey(rawValue: "nnbench.everyLayerField")!
}
