import NNBenchIO

extension LayerSpec {
    /// Every layer type's name (the spec name and the protocol's `"type"`), in the order messages
    /// list them.
    public static let typeNames = [
        "dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "softplus", "gelu",
        "dropout", "batchnorm", "conv2d", "maxpool2d", "avgpool2d", "flatten", "rnn", "lstm", "gru", "embedding",
    ]

    /// Reads a layer from a call of the spec language or a JSON layer object, validating every option.
    ///
    /// - Parameters:
    ///   - call: The layer's name and options.
    ///   - site: Where it came from, for errors.
    /// - Throws: ``SpecError`` for an unknown layer name or a bad option.
    init(_ call: SpecCall, site: ErrorSite) throws(SpecError) {
        switch call.name {
        case "dense":
            let options = try OptionReader(call, options: ["units", "bias", "init"], positional: 1, site: site)
            self = .dense(
                units: try options.integer("units", minimum: 1),
                bias: try options.boolean("bias", default: true),
                initializer: try options.initializer("init", default: .glorotUniform))
        case "leaky_relu":
            let options = try OptionReader(call, options: ["slope"], positional: 1, site: site)
            self = .leakyReLU(slope: try options.number("slope", default: 0.01, expected: Self.finiteInFloat) { Self.isFiniteInFloat($0) })
        case "dropout":
            let options = try OptionReader(call, options: ["rate"], positional: 1, site: site)
            self = .dropout(rate: try options.number("rate", expected: "a number in [0, 1)") { $0 >= 0 && $0 < 1 })
        case "batchnorm":
            let options = try OptionReader(call, options: ["momentum", "eps"], site: site)
            self = .batchNorm(
                momentum: try options.number("momentum", default: 0.1, expected: "a number in [0, 1]") { $0 >= 0 && $0 <= 1 },
                epsilon: try options.number("eps", default: 1e-5, expected: "a positive number") { $0 > 0 })
        case "conv2d":
            let options = try OptionReader(call, options: ["filters", "kernel", "stride", "padding", "bias", "init"], positional: 1, site: site)
            self = .conv2d(
                filters: try options.integer("filters", minimum: 1),
                kernel: try options.integer("kernel", minimum: 1),
                stride: try options.integer("stride", minimum: 1, default: 1),
                padding: try options.integer("padding", minimum: 0, default: 0),
                bias: try options.boolean("bias", default: true),
                initializer: try options.initializer("init", default: .glorotUniform))
        case "maxpool2d", "avgpool2d":
            let options = try OptionReader(call, options: ["size", "stride"], positional: 1, site: site)
            let size = try options.integer("size", minimum: 1)
            // A stride equal to the size is the default, stored as nil so that both spellings are one value.
            let stride = try options.optionalInteger("stride", minimum: 1).flatMap { $0 == size ? nil : $0 }
            self = call.name == "maxpool2d" ? .maxPool2d(size: size, stride: stride) : .avgPool2d(size: size, stride: stride)
        case "rnn":
            let options = try OptionReader(call, options: ["units", "nonlinearity", "sequence", "bias"], positional: 1, site: site)
            self = .rnn(
                units: try options.integer("units", minimum: 1),
                nonlinearity: try options.choice("nonlinearity", default: RecurrentNonlinearity.tanh),
                sequence: try options.boolean("sequence", default: true),
                bias: try options.boolean("bias", default: true))
        case "lstm":
            let options = try OptionReader(call, options: ["units", "sequence", "bias", "forget_bias"], positional: 1, site: site)
            let bias = try options.boolean("bias", default: true)
            let forgetBias = try options.optionalNumber("forget_bias", expected: Self.finiteInFloat) { Self.isFiniteInFloat($0) }
            if forgetBias != nil, !bias {
                throw options.error("a forget-gate bias needs the layer's biases; remove 'bias: false' or 'forget_bias'", option: "forget_bias")
            }
            self = .lstm(
                units: try options.integer("units", minimum: 1), sequence: try options.boolean("sequence", default: true),
                bias: bias, forgetBias: forgetBias)
        case "gru":
            let options = try OptionReader(call, options: ["units", "sequence", "bias"], positional: 1, site: site)
            self = .gru(
                units: try options.integer("units", minimum: 1), sequence: try options.boolean("sequence", default: true),
                bias: try options.boolean("bias", default: true))
        case "embedding":
            let options = try OptionReader(call, options: ["vocabulary", "dim"], positional: 2, site: site)
            self = .embedding(vocabulary: try options.integer("vocabulary", minimum: 1), dim: try options.integer("dim", minimum: 1))
        default:
            guard let layer = Self.optionless[call.name] else {
                let hint = nearestName(to: call.name, in: Self.typeNames).map { "; did you mean '\($0)'?" }
                    ?? "; known layers: \(Self.typeNames.joined(separator: ", "))"
                throw site.error("unknown layer '\(call.name)'\(hint)", field: site.isJSON ? "type" : nil)
            }
            _ = try OptionReader(call, options: [], site: site)
            self = layer
        }
    }

    /// A value the layer adds to or multiplies into its Float values must be finite in Float too:
    /// `forget_bias: 1e39` would be an infinite bias in float32 and the first step's loss NaN.
    private static let finiteInFloat = "a number finite in float32 (|x| ≤ 3.4e38)"

    private static func isFiniteInFloat(_ value: Double) -> Bool { value.magnitude <= Double(Float.greatestFiniteMagnitude) }

    /// The layers that take no options, by name.
    private static let optionless: [String: LayerSpec] = [
        "relu": .relu, "tanh": .tanh, "sigmoid": .sigmoid, "identity": .identity,
        "softplus": .softplus, "gelu": .gelu, "flatten": .flatten,
    ]
}
