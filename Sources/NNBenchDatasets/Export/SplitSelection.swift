/// Which splits of a task to export: one, or all three in the order train, valid, test.
public enum SplitSelection: Sendable, Hashable, LosslessStringConvertible {
    /// One split.
    case only(SplitName)
    /// The training, validation and test splits, in that order.
    case all

    /// Reads a selection from its name: `train`, `valid`, `test` or `all`.
    ///
    /// - Parameter description: The name.
    /// - Returns: `nil` when the name is none of the four.
    public init?(_ description: String) {
        if description == "all" {
            self = .all
        } else if let name = SplitName(rawValue: description) {
            self = .only(name)
        } else {
            return nil
        }
    }

    /// The name: `train`, `valid`, `test` or `all`.
    public var description: String {
        switch self {
        case .only(let name): return name.rawValue
        case .all: return "all"
        }
    }

    /// The selected splits, in export order.
    public var names: [SplitName] {
        switch self {
        case .only(let name): return [name]
        case .all: return SplitName.allCases
        }
    }
}
