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

    /// The histogram of `values` in `bins` bins, summed in index order so that it is the same on
    /// every run; `nil` when no value is finite. (Non-generic, so that unspecialised callers in
    /// the engine pay no generic conversion per value.)
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - bins: The number of bins, at least 1.
    public init?(_ values: [Double], bins: Int) {
        precondition(bins >= 1, "a histogram needs at least one bin")
        var low = Double.infinity, high = -Double.infinity, sum = 0.0, squares = 0.0, nonFinite = 0
        for x in values {
            guard x.isFinite else {
                nonFinite += 1
                continue
            }
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            sum += x
            squares += x * x
        }
        guard low <= high else { return nil }
        var counts = [Int](repeating: 0, count: high > low ? bins : 1)
        if (high - low).isFinite {
            let scale = high > low ? Double(bins) / (high - low) : 0
            for x in values where x.isFinite {
                counts[Swift.min(Int((x - low) * scale), counts.count - 1)] += 1
            }
        } else {
            // A span past Double's largest (a diverging Double run): halved, so that no difference overflows.
            let scale = Double(bins) / (high / 2 - low / 2)
            for x in values where x.isFinite {
                counts[Swift.min(Int((x / 2 - low / 2) * scale), counts.count - 1)] += 1
            }
        }
        self.init(lower: low, upper: high, counts: counts, sum: sum, sumOfSquares: squares, nonFinite: nonFinite > 0 ? nonFinite : nil)
    }

    /// The number of finite values counted.
    public var total: Int { counts.reduce(0, +) }

    /// The right edge of each bin, in order: TensorBoard's `bucket_limit`.
    public var upperEdges: [Double] {
        let width = (upper - lower) / Double(counts.count)
        return counts.indices.map { $0 == counts.count - 1 ? upper : lower + Double($0 + 1) * width }
    }
}
