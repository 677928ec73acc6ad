/// How a tensor's values spread: counts in equal-width bins between the smallest and the largest
/// value, with the sums TensorBoard's histograms carry.
///
/// Bin `i` of `n` holds the values in `[lower + i·w, lower + (i+1)·w)`, `w = (upper − lower)/n`,
/// the last bin also `upper` itself. Values that are not finite are left out (a run stops when its
/// loss is not finite, so they are rare), and counted in ``nonFinite``. When every value is the
/// same, the histogram has one bin of zero width.
public struct Histogram: Sendable, Hashable, Codable {
    /// The smallest finite value, the left edge of the first bin.
    public var lower: Double
    /// The largest finite value, the right edge of the last bin.
    public var upper: Double
    /// The number of values in each bin.
    public var counts: [Int]
    /// The sum of the finite values.
    public var sum: Double
    /// The sum of their squares.
    public var sumOfSquares: Double
    /// How many values were NaN or infinite, and left out; absent when none were.
    public var nonFinite: Int?

    /// Creates a histogram from its parts.
    public init(lower: Double, upper: Double, counts: [Int], sum: Double, sumOfSquares: Double, nonFinite: Int? = nil) {
        self.lower = lower
        self.upper = upper
        self.counts = counts
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.nonFinite = nonFinite
    }

    /// The histogram of `values` in `bins` bins, summed in index order so that it is the same on
    /// every run; `nil` when no value is finite.
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - bins: The number of bins, at least 1.
    public init?<Values: Collection>(_ values: Values, bins: Int) where Values.Element: BinaryFloatingPoint {
        self.init(values.map { Double($0) }, bins: bins)
    }

    /// The histogram of `values` in `bins` bins, the same on every run; `nil` when no value is
    /// finite. The sums are four partial sums, of the values at indices `4k`, `4k + 1`, `4k + 2`
    /// and `4k + 3` in order, added as `(s₀ + s₁) + (s₂ + s₃)`, then the rest in order: a fixed
    /// order, and four chains of additions instead of one, so that a histogram of a run's
    /// activations at every epoch costs less. (Non-generic, so that unspecialised callers in the
    /// engine pay no generic conversion per value.)
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - bins: The number of bins, at least 1.
    public init?(_ values: [Double], bins: Int) {
        precondition(bins >= 1, "a histogram needs at least one bin")
        var nonFinite = 0
        for x in values { nonFinite &+= x.isFinite ? 0 : 1 }
        let finite = nonFinite == 0 ? values : values.filter(\.isFinite)
        guard !finite.isEmpty else { return nil }
        var low = finite[0], high = finite[0]
        var sums = (0.0, 0.0, 0.0, 0.0), squares = (0.0, 0.0, 0.0, 0.0)
        let quads = finite.count / 4
        finite.withUnsafeBufferPointer { finite in
            for k in 0..<quads {
                let x0 = finite[4 &* k], x1 = finite[4 &* k &+ 1], x2 = finite[4 &* k &+ 2], x3 = finite[4 &* k &+ 3]
                low = Swift.min(low, Swift.min(Swift.min(x0, x1), Swift.min(x2, x3)))
                high = Swift.max(high, Swift.max(Swift.max(x0, x1), Swift.max(x2, x3)))
                sums.0 += x0
                sums.1 += x1
                sums.2 += x2
                sums.3 += x3
                squares.0 += x0 * x0
                squares.1 += x1 * x1
                squares.2 += x2 * x2
                squares.3 += x3 * x3
            }
        }
        var sum = (sums.0 + sums.1) + (sums.2 + sums.3), sumOfSquares = (squares.0 + squares.1) + (squares.2 + squares.3)
        for x in finite[(4 * quads)...] {
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            sum += x
            sumOfSquares += x * x
        }
        var counts = [Int](repeating: 0, count: high > low ? bins : 1)
        let last = counts.count - 1
        // Unchecked indexing: every index is clamped to `0...last` (x ≥ low).
        counts.withUnsafeMutableBufferPointer { counts in
            if (high - low).isFinite {
                let scale = high > low ? Double(bins) / (high - low) : 0
                for x in finite { counts[Swift.min(Int((x - low) * scale), last)] &+= 1 }
            } else {
                // A span past Double's largest (a diverging Double run): halved, so that no difference overflows.
                let scale = Double(bins) / (high / 2 - low / 2)
                for x in finite { counts[Swift.min(Int((x / 2 - low / 2) * scale), last)] &+= 1 }
            }
        }
        self.init(lower: low, upper: high, counts: counts, sum: sum, sumOfSquares: sumOfSquares, nonFinite: nonFinite > 0 ? nonFinite : nil)
    }

    /// The number of finite values counted.
    public var total: Int { counts.reduce(0, +) }

    /// The right edge of each bin, in order: TensorBoard's `bucket_limit`.
    public var upperEdges: [Double] {
        let width = (upper - lower) / Double(counts.count)
        return counts.indices.map { $0 == counts.count - 1 ? upper : lower + Double($0 + 1) * width }
    }
}
