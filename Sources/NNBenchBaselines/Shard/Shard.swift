import NNBenchIO

/// One part of a suite run split across machines: shard `index` of `count`, written `i/n` and
/// counted from 1 (`--shard 2/3`), as CI matrices and Slurm job arrays count.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The shard's number, in `1...count`.
    public let index: Int
    /// The number of shards, at least 1.
    public let count: Int

    /// The most shards a run is split into: far more than (entry, seed) pairs any suite has.
    public static let largestCount = 100_000

    /// A shard.
    ///
    /// - Parameters:
    ///   - index: Its number, in `1...count`.
    ///   - count: The number of shards, in `1...largestCount`.
    public init(index: Int, count: Int) {
        precondition((1...Self.largestCount).contains(count) && (1...count).contains(index), "a shard is i/n with 1 <= i <= n")
        self.index = index
        self.count = count
    }

    /// Reads `i/n`: two decimal integers, `1 <= i <= n <= 100000`.
    ///
    /// - Parameter text: The text, e.g. `2/3`.
    /// - Returns: The shard, or `nil` for anything else (`0/3`, `4/3`, `1/0`, `a/b`, `1/3/4`, `+1/3`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = Int(parts[0]), let count = Int(parts[1]),
              (1...Self.largestCount).contains(count), (1...count).contains(index) else { return nil }
        self.init(index: index, count: count)
    }

    /// `2/3`.
    public var description: String { "\(index)/\(count)" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case index, count
    }

    /// Reads a shard strictly, checking `1 <= index <= count <= 100000`.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self, expected: "an object {\"count\", \"index\"}")
        let count = try fields.integer(.count, in: 1...Self.largestCount)
        let index = try fields.integer(.index, in: 1...count)
        self.init(index: index, count: count)
    }
}
