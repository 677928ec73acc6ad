import Foundation

/// A deterministic stream of random numbers for one sample of one split of one task.
///
/// A stream is addressed by a 64-bit key (derived from the user's seed and the stream's
/// purpose, see ``StreamKey``) and a 64-bit sample index. Its n-th 128-bit block is
/// `Philox4x32-10(counter: (index.low, index.high, n.low, n.high), key)`. So a sample's values
/// depend only on (seed, purpose, index): drawing 1000 samples gives the first 1000 of 2000,
/// and the test split does not move when the training split grows.
///
/// Doubles are built from 53 random bits; normal deviates use the Box–Muller transform
/// (both values of a pair are used), so a stream gives the same numbers on every run of the
/// same build on the same platform.
public struct RandomStream: Sendable {
    @usableFromInline let key: (UInt32, UInt32)
    @usableFromInline let index: (UInt32, UInt32)
    @usableFromInline var blockNumber: UInt64 = 0
    @usableFromInline var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    @usableFromInline var buffered = 0
    @usableFromInline var spareNormal: Double?

    /// Creates the stream of one sample.
    ///
    /// - Parameters:
    ///   - key: The stream's key, usually from ``StreamKey``.
    ///   - index: The sample's index within its split.
    @inlinable
    public init(key: UInt64, index: UInt64) {
        self.key = (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
        self.index = (UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32))
    }

    /// Returns the next 32 random bits.
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if buffered == 0 { refill() }
        buffered -= 1
        switch buffered {
        case 3: return buffer.0
        case 2: return buffer.1
        case 1: return buffer.2
        default: return buffer.3
        }
    }

    /// Returns the next 64 random bits: the next two words, the first as the high half.
    @inlinable
    public mutating func nextUInt64() -> UInt64 {
        if buffered == 0 { refill() }
        // A stream that draws only 64-bit values (every uniform and normal) always finds both
        // words in the same block, so these two cases are the common path, small enough to inline.
        switch buffered {
        case 4:
            buffered = 2
            return UInt64(buffer.0) << 32 | UInt64(buffer.1)
        case 2:
            buffered = 0
            return UInt64(buffer.2) << 32 | UInt64(buffer.3)
        default:
            let high = UInt64(nextUInt32())
            return high << 32 | UInt64(nextUInt32())
        }
    }

    /// Computes the stream's next block into the buffer. Out of line: it is needed once per four
    /// words, and inlined it would make every draw a large function.
    @usableFromInline @inline(never)
    mutating func refill() {
        buffer = Philox.block(
            counter: (
                index.0, index.1,
                UInt32(truncatingIfNeeded: blockNumber), UInt32(truncatingIfNeeded: blockNumber >> 32)
            ),
            key: key)
        blockNumber &+= 1
        buffered = 4
    }

    /// Returns a double drawn uniformly from [0, 1), with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1.0p-53
    }

    /// Returns a double drawn uniformly from [`lower`, `upper`).
    ///
    /// - Parameters:
    ///   - lower: The inclusive lower bound.
    ///   - upper: The exclusive upper bound.
    @inlinable
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * uniform()
    }

    /// Returns an integer drawn uniformly from `0..<count`, without modulo bias.
    ///
    /// - Parameter count: The number of values; must be positive.
    /// - Complexity: O(1) expected (Lemire's multiply-and-reject method).
    @inlinable
    public mutating func integer(below count: Int) -> Int {
        precondition(count > 0, "integer(below:) needs a positive count")
        let bound = UInt64(count)
        var product = nextUInt64().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = nextUInt64().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `order` in place by Fisher–Yates (Knuth's Algorithm P), from the last element down,
    /// each swap partner drawn by ``integer(below:)``.
    ///
    /// - Complexity: O(order.count).
    public mutating func shuffle(_ order: inout [Int]) {
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, integer(below: i + 1))
        }
    }

    /// Returns a standard normal deviate (mean 0, variance 1), by the Box–Muller transform.
    @inlinable
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let radius = (-2 * Foundation.log(1 - uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        spareNormal = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// Returns a normal deviate with the given mean and standard deviation.
    ///
    /// - Parameters:
    ///   - mean: The mean.
    ///   - standardDeviation: The standard deviation (non-negative).
    @inlinable
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }
}

/// Derives the keys of independent streams from a user's seed.
///
/// A key is SplitMix64 applied to the seed mixed with the FNV-1a hash of a purpose string such
/// as `"moons/test"` or `"linear/weights"`. Different purposes give unrelated keys, so the
/// splits of a task, and the task's own hidden parameters, are independent streams.
public enum StreamKey {
    /// Returns the key of the stream named `purpose` under `seed`.
    ///
    /// - Parameters:
    ///   - seed: The user's seed.
    ///   - purpose: What the stream is for, e.g. `"xor/train"`.
    /// - Returns: A 64-bit Philox key.
    public static func make(seed: UInt64, purpose: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in purpose.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return splitMix64(seed ^ splitMix64(hash))
    }

    /// The SplitMix64 finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number
    /// generators", OOPSLA 2014).
    static func splitMix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
