/// Kernels for what a training run measures besides its metrics: parameter norms each step and
/// activation health after each epoch (``TrainingObserver``, ``ParameterStatisticsProbe``).
///
/// A requirement of ``EngineScalar``, for the engine's own code: see there why kernels are
/// requirements. These run at every step of an observed run, where converting each value to an
/// array of Double first (``EngineScalar/doubles(_:count:)``) cost a quarter of `run all --report`.
public protocol _ObservationKernels {
    /// The sum of the squares of `count` values, each converted exactly to Double: four partial
    /// sums in Double, of the values at indices `4k`, `4k + 1`, `4k + 2` and `4k + 3` in index
    /// order, added as `(s₀ + s₁) + (s₂ + s₃)`, then the rest in order. A fixed order, so the same
    /// bits on every run; four chains instead of one, so that it vectorises (a single chain of
    /// dependent additions cost an observed run 2 % of its time).
    static func _sumOfSquaresInDouble(_ values: UnsafePointer<Self>, count: Int) -> Double

    /// Raises `maxima[unit]` to the largest value of each unit over `rows` rows of `units` values
    /// (NaN left out), and returns how many units have no positive maximum yet; stops reading once
    /// every unit has one, which for a healthy layer of ReLUs is within the first rows.
    static func _columnMaxima(_ values: UnsafePointer<Self>, rows: Int, units: Int, maxima: UnsafeMutablePointer<Self>) -> Int

    /// How many of `count` values are below `low` or above `high` (NaN is neither).
    static func _countOutside(_ values: UnsafePointer<Self>, count: Int, low: Self, high: Self) -> Int
}

extension EngineScalar {
    public static func _sumOfSquaresInDouble(_ values: UnsafePointer<Self>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        let quads = count / 4
        // Wrapping index arithmetic (it cannot overflow below `count`): an overflow check in the
        // loop keeps it from vectorising.
        for k in 0..<quads {
            let quad = values + 4 &* k
            let x0 = Double(quad[0]), x1 = Double(quad[1]), x2 = Double(quad[2]), x3 = Double(quad[3])
            s0 += x0 * x0
            s1 += x1 * x1
            s2 += x2 * x2
            s3 += x3 * x3
        }
        var sum = (s0 + s1) + (s2 + s3)
        for i in (4 * quads)..<count {
            let x = Double(values[i])
            sum += x * x
        }
        return sum
    }

    public static func _columnMaxima(_ values: UnsafePointer<Self>, rows: Int, units: Int, maxima: UnsafeMutablePointer<Self>) -> Int {
        var notPositive = units
        var row = 0
        while row < rows {
            // Sixteen rows between counts; the inner loop has no branch, so that it vectorises
            // (and `v > m ? v : m` keeps `m` when `v` is NaN, as the processor's `max` does).
            let end = Swift.min(rows, row + 16)
            for start in stride(from: row * units, to: end * units, by: units) {
                let rowValues = values + start
                for unit in 0..<units {
                    let value = rowValues[unit], maximum = maxima[unit]
                    maxima[unit] = value > maximum ? value : maximum
                }
            }
            row = end
            notPositive = 0
            for unit in 0..<units { notPositive &+= maxima[unit] > 0 ? 0 : 1 }
            if notPositive == 0 { break }
        }
        return notPositive
    }

    public static func _countOutside(_ values: UnsafePointer<Self>, count: Int, low: Self, high: Self) -> Int {
        var outside = 0
        // Selects instead of branches, and wrapping additions (no overflow trap), so that the loop
        // vectorises.
        for i in 0..<count { outside &+= (values[i] < low ? 1 : 0) &+ (values[i] > high ? 1 : 0) }
        return outside
    }
}
