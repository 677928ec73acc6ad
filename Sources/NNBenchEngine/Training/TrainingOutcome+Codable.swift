import NNBenchIO

/// An outcome as JSON: an object with one field, the case, holding its values,
/// `{"reachedTarget": {}}`, `{"diverged": {"epoch": 3, "loss": "nan", "step": 7}}`, the layout
/// Swift gives enums with associated values, which baselines have always held.
extension TrainingOutcome: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case completed, reachedTarget, diverged
    }

    enum DivergedCodingKeys: String, CodingKey, CaseIterable {
        case epoch, step, loss
    }

    /// Reads an outcome strictly: one case, its values, no other field.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let cases = try decoder.strictContainer(keyedBy: CodingKeys.self)
        guard cases.allKeys.count == 1, let only = cases.allKeys.first else {
            let names = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "expected exactly one field of: \(names)"))
        }
        let values = try cases.superDecoder(forKey: only)
        switch only {
        case .completed:
            try values.refuseFields(otherThan: [])
            self = .completed
        case .reachedTarget:
            try values.refuseFields(otherThan: [])
            self = .reachedTarget
        case .diverged:
            let fields = try values.strictContainer(keyedBy: DivergedCodingKeys.self)
            self = .diverged(
                epoch: try fields.integer(.epoch, in: 1...1_000_000), step: try fields.integer(.step, in: 1...Int(Int32.max)),
                loss: try fields.string(.loss))
        }
    }

    /// Writes the outcome in the layout ``init(from:)`` reads.
    public func encode(to encoder: any Encoder) throws {
        var cases = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        // A case without values is an empty object, `{}`, whatever the keys of its container.
        case .completed:
            _ = cases.nestedContainer(keyedBy: DivergedCodingKeys.self, forKey: .completed)
        case .reachedTarget:
            _ = cases.nestedContainer(keyedBy: DivergedCodingKeys.self, forKey: .reachedTarget)
        case .diverged(let epoch, let step, let loss):
            var fields = cases.nestedContainer(keyedBy: DivergedCodingKeys.self, forKey: .diverged)
            try fields.encode(epoch, forKey: .epoch)
            try fields.encode(step, forKey: .step)
            try fields.encode(loss, forKey: .loss)
        }
    }
}
