import NNBenchIO

/// One layer of an architecture, with its options. Shapes are not part of it: they follow from
/// the input shape (see ``ArchitectureSpec/resolve(inputShape:outputWidth:)``).
public enum LayerSpec: Sendable, Hashable, CustomStringConvertible {
    /// `y = x · W + b`, with `W: [in, units]`. Spec `dense(16, bias: false, init: he_normal)`.
    case dense(units: Int, bias: Bool = true, initializer: Initializer = .glorotUniform)
    /// `max(x, 0)`. Spec `relu`.
    case relu
    /// `x > 0 ? x : slope·x`. Spec `leaky_relu` or `leaky_relu(0.1)`.
    case leakyReLU(slope: Double = 0.01)
    /// Hyperbolic tangent. Spec `tanh`.
    case tanh
    /// `1 / (1 + e^-x)`. Spec `sigmoid`.
    case sigmoid
    /// `x`. Spec `identity`.
    case identity
    /// `ln(1 + e^x)`. Spec `softplus`.
    case softplus
    /// `x·Φ(x)` with the exact normal CDF, as PyTorch's default GELU. Spec `gelu`.
    case gelu
    /// Inverted dropout in training (kept values scaled by `1 / (1 - rate)`), identity in
    /// evaluation; `0 ≤ rate < 1`. Spec `dropout(0.2)`.
    case dropout(rate: Double)
    /// Batch normalisation as PyTorch's BatchNorm1d over the features of a `[f]` input, or
    /// BatchNorm2d over the channels of a `[c, h, w]` input: running statistics updated as
    /// `(1 - momentum)·running + momentum·batch` (the variance unbiased), `epsilon` added to the
    /// variance. Spec `batchnorm` or `batchnorm(momentum: 0.1, eps: 1e-5)`.
    case batchNorm(momentum: Double = 0.1, epsilon: Double = 1e-5)
    /// Cross-correlation as PyTorch's Conv2d, weight `[filters, in_channels, kernel, kernel]`.
    /// Spec `conv2d(8, kernel: 3, stride: 1, padding: 0, bias: true, init: glorot_uniform)`.
    case conv2d(filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true, initializer: Initializer = .glorotUniform)
    /// The maximum of each `size × size` window; `stride` `nil` means `size`. Spec `maxpool2d(2)`.
    case maxPool2d(size: Int, stride: Int? = nil)
    /// The mean of each `size × size` window; `stride` `nil` means `size`. Spec `avgpool2d(2, stride: 2)`.
    case avgPool2d(size: Int, stride: Int? = nil)
    /// `[c, h, w] -> [c·h·w]`, `[steps, f] -> [steps·f]`; identity on a flat input. Spec `flatten`.
    case flatten
    /// An Elman network as PyTorch's `nn.RNN` over a `[steps, features]` input:
    /// `h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)` with `act` tanh or relu; the output is
    /// every `h_t` (`[steps, units]`) or, with `sequence` false, the last (`[units]`).
    /// Spec `rnn(32, nonlinearity: relu, sequence: false, bias: false)`.
    case rnn(units: Int, nonlinearity: RecurrentNonlinearity = .tanh, sequence: Bool = true, bias: Bool = true)
    /// A long short-term memory layer as PyTorch's `nn.LSTM`, gates in PyTorch's order (input,
    /// forget, cell, output); `forgetBias`, when given, is where the forget gate's bias starts
    /// (`nil`: PyTorch's initialisation, like every other bias). Spec
    /// `lstm(32, sequence: false, bias: true, forget_bias: 1)`.
    case lstm(units: Int, sequence: Bool = true, bias: Bool = true, forgetBias: Double? = nil)
    /// A gated recurrent unit as PyTorch's `nn.GRU`, gates in PyTorch's order (reset, update, new).
    /// Spec `gru(32, sequence: false, bias: true)`.
    case gru(units: Int, sequence: Bool = true, bias: Bool = true)
    /// A lookup table as PyTorch's `nn.Embedding`: each value of a `[steps]` input is a token index
    /// in `0..<vocabulary`, replaced by its row of the `[vocabulary, dim]` weight, giving
    /// `[steps, dim]`. Only as the first layer, whose input holds the indices. Spec `embedding(10, 8)`.
    case embedding(vocabulary: Int, dim: Int)

    /// The layer's name in the spec language and in the protocol's `"type"`: `dense`, `leaky_relu`.
    public var name: String {
        switch self {
        case .dense: "dense"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .identity: "identity"
        case .softplus: "softplus"
        case .gelu: "gelu"
        case .dropout: "dropout"
        case .batchNorm: "batchnorm"
        case .conv2d: "conv2d"
        case .maxPool2d: "maxpool2d"
        case .avgPool2d: "avgpool2d"
        case .flatten: "flatten"
        case .rnn: "rnn"
        case .lstm: "lstm"
        case .gru: "gru"
        case .embedding: "embedding"
        }
    }

    /// The canonical spec: the first option positional where the language allows it, the others
    /// named in a fixed order, defaults omitted (`conv2d(8, kernel: 3, padding: 1)`).
    public var description: String {
        let options = canonicalOptions.map { option in option.label.map { "\($0): \(option.value)" } ?? option.value }
        return options.isEmpty ? name : "\(name)(\(options.joined(separator: ", ")))"
    }

    /// The options that differ from their defaults, in canonical order; a `nil` label marks the
    /// positional first option.
    private var canonicalOptions: [(label: String?, value: String)] {
        switch self {
        case .dense(let units, let bias, let initializer):
            return [(nil, "\(units)")] + biasAndInitializer(bias, initializer)
        case .leakyReLU(let slope):
            return slope == 0.01 ? [] : [(nil, canonicalNumberText(slope))]
        case .dropout(let rate):
            return [(nil, canonicalNumberText(rate))]
        case .batchNorm(let momentum, let epsilon):
            return (momentum == 0.1 ? [] : [("momentum", canonicalNumberText(momentum))])
                + (epsilon == 1e-5 ? [] : [("eps", canonicalNumberText(epsilon))])
        case .conv2d(let filters, let kernel, let stride, let padding, let bias, let initializer):
            return [(nil, "\(filters)"), ("kernel", "\(kernel)")]
                + (stride == 1 ? [] : [("stride", "\(stride)")])
                + (padding == 0 ? [] : [("padding", "\(padding)")])
                + biasAndInitializer(bias, initializer)
        case .maxPool2d(let size, let stride), .avgPool2d(let size, let stride):
            return [(nil, "\(size)")] + (stride == nil || stride == size ? [] : [("stride", "\(stride!)")])
        case .relu, .tanh, .sigmoid, .identity, .softplus, .gelu, .flatten:
            return []
        case .rnn(let units, let nonlinearity, let sequence, let bias):
            return [(nil, "\(units)")] + (nonlinearity == .tanh ? [] : [("nonlinearity", nonlinearity.rawValue)])
                + sequenceAndBias(sequence, bias)
        case .lstm(let units, let sequence, let bias, let forgetBias):
            return [(nil, "\(units)")] + sequenceAndBias(sequence, bias) + (forgetBias.map { [("forget_bias", canonicalNumberText($0))] } ?? [])
        case .gru(let units, let sequence, let bias):
            return [(nil, "\(units)")] + sequenceAndBias(sequence, bias)
        case .embedding(let vocabulary, let dim):
            return [(nil, "\(vocabulary)"), (nil, "\(dim)")]
        }
    }

    private func sequenceAndBias(_ sequence: Bool, _ bias: Bool) -> [(label: String?, value: String)] {
        (sequence ? [] : [("sequence", "false")]) + (bias ? [] : [("bias", "false")])
    }

    /// Whether the layer is recurrent (`rnn`, `lstm`, `gru`): it carries a state from step to step.
    public var isRecurrent: Bool {
        switch self {
        case .rnn, .lstm, .gru: true
        default: false
        }
    }

    private func biasAndInitializer(_ bias: Bool, _ initializer: Initializer) -> [(label: String?, value: String)] {
        (bias ? [] : [("bias", "false")]) + (initializer == .glorotUniform ? [] : [("init", initializer.description)])
    }
}

/// The activation of an `rnn` layer, as PyTorch's `nn.RNN(nonlinearity:)`.
public enum RecurrentNonlinearity: String, Sendable, Hashable, CaseIterable {
    /// The hyperbolic tangent (PyTorch's default).
    case tanh
    /// `max(x, 0)`, with derivative 0 at 0.
    case relu
}
