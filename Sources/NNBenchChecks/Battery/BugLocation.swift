import NNBenchEngine

/// Where a failing check places the bug, as data: the same place its one-line diagnosis names in
/// words, for tools (`--json`) and for the bug × check matrix, which compares it with where an
/// injected bug really is.
///
/// JSON: `{"place": "layers", "layers": [{"index": 3, "type": "relu"}]}`; `suspects` adds
/// `"loss": true` when the loss is among them; `optimizer` has `"optimizer"` (the rule, `adam`) and
/// `"spec"` (`adam(lr: 0.01, eps: 0.001)`); `loss`, `initialisation` and `data` have no other field.
public enum BugLocation: Sendable, Hashable {
    /// Layers each wrong on their own: their own forward output, or their own backward pass given
    /// their output gradient.
    case layers([LayerLocation])
    /// One of these layers, or the loss when `loss` is set: where the evidence leaves the bug when it
    /// cannot tell them apart (a parameter gradient that differs while those above agree: the
    /// parameter's own gradient, or a backward pass between it and the next layer with parameters).
    case suspects([LayerLocation], loss: Bool)
    /// The loss: its value or its gradient at the network's output.
    case loss
    /// An optimizer's update rule or the state it keeps between steps (`rule` is ``OptimizerSpec/name``,
    /// `spec` the whole optimizer the step was taken with).
    case optimizer(rule: String, spec: String)
    /// The initial weights.
    case initialisation
    /// The data a training step learns from: its targets no longer those of its inputs (shuffled
    /// apart, or the inputs zeroed or another batch's).
    case data

    /// The place in words: `layer 3 (relu)`, `layers 0, 2, 4 (dense)`, `layer 2 (dense), 3 (relu) or the loss`,
    /// `the loss`, `optimizer sgd(lr: 0.1, momentum: 0.9)`, `initialisation`, `the training data (inputs or targets)`.
    public var description: String {
        switch self {
        case .layers(let layers): Self.describe(layers)
        case .suspects(let layers, let loss):
            loss ? (layers.isEmpty ? "the loss" : "\(Self.describe(layers)) or the loss") : "one of " + Self.describe(layers)
        case .loss: "the loss"
        case .optimizer(_, let spec): "optimizer \(spec)"
        case .initialisation: "initialisation"
        case .data: "the training data (inputs or targets)"
        }
    }

    /// Layers in words, their type once when they share it.
    private static func describe(_ layers: [LayerLocation]) -> String {
        let word = layers.count == 1 ? "layer" : "layers"
        if let type = layers.first?.type, layers.allSatisfy({ $0.type == type }) {
            return "\(word) \(layers.map { String($0.index) }.joined(separator: ", ")) (\(type))"
        }
        return "\(word) " + layers.map { "\($0.index) (\($0.type))" }.joined(separator: ", ")
    }
}

/// A layer a ``BugLocation`` names: its index in the architecture and its type (``LayerSpec/name``).
public struct LayerLocation: Sendable, Hashable, Codable {
    /// The layer's index, from 0 at the input.
    public let index: Int
    /// Its type, as the architecture spells it (`relu`, `maxpool2d`).
    public let type: String

    /// The layer at `index` of an architecture.
    public init(index: Int, type: String) {
        self.index = index
        self.type = type
    }
}

extension BugLocation: Codable {
    private enum Place: String, Codable { case layers, suspects, loss, optimizer, initialisation, data }
    private enum Key: String, CodingKey { case place, layers, loss, optimizer, spec }

    /// Decodes the JSON form described on the type.
    ///
    /// - Throws: `DecodingError` for an unknown place or a missing field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        switch try container.decode(Place.self, forKey: .place) {
        case .layers: self = .layers(try container.decode([LayerLocation].self, forKey: .layers))
        case .suspects:
            self = .suspects(try container.decode([LayerLocation].self, forKey: .layers), loss: try container.decode(Bool.self, forKey: .loss))
        case .loss: self = .loss
        case .optimizer:
            self = .optimizer(rule: try container.decode(String.self, forKey: .optimizer), spec: try container.decode(String.self, forKey: .spec))
        case .initialisation: self = .initialisation
        case .data: self = .data
        }
    }

    /// Encodes the JSON form described on the type.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .layers(let layers):
            try container.encode(Place.layers, forKey: .place)
            try container.encode(layers, forKey: .layers)
        case .suspects(let layers, let loss):
            try container.encode(Place.suspects, forKey: .place)
            try container.encode(layers, forKey: .layers)
            try container.encode(loss, forKey: .loss)
        case .loss: try container.encode(Place.loss, forKey: .place)
        case .optimizer(let rule, let spec):
            try container.encode(Place.optimizer, forKey: .place)
            try container.encode(rule, forKey: .optimizer)
            try container.encode(spec, forKey: .spec)
        case .initialisation: try container.encode(Place.initialisation, forKey: .place)
        case .data: try container.encode(Place.data, forKey: .place)
        }
    }
}

extension CheckContext {
    /// The layers at `indices`, with their types, in increasing order.
    func locate(layers indices: some Sequence<Int>) -> [LayerLocation] {
        Set(indices).sorted().filter(layers.indices.contains).map { LayerLocation(index: $0, type: layers[$0].name) }
    }

    /// The location of layers each wrong on their own.
    func location(layers indices: Int...) -> BugLocation { .layers(locate(layers: indices)) }
}
