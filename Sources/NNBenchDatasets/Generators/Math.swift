import Foundation

/// Small numeric helpers for computing known answers (and, for the normal distribution, the
/// baselines' test quantiles).
package enum Math {
    /// The standard normal cumulative distribution function, Φ(x) = erfc(-x/√2) / 2.
    package static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The standard normal density φ(x).
    package static func normalPDF(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// The logistic function 1 / (1 + e^-x), without overflow for large |x|.
    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// The integral of `f` over [a, b] by composite Simpson's rule with `intervals` (even) pieces.
    ///
    /// For the smooth integrands of the known answers, 20 000 intervals give about 1e-12 relative error.
    static func integrate(from a: Double, to b: Double, intervals: Int = 20_000, _ f: (Double) -> Double) -> Double {
        precondition(intervals > 0 && intervals % 2 == 0, "Simpson's rule needs an even number of intervals")
        let h = (b - a) / Double(intervals)
        var sum = f(a) + f(b)
        for i in 1..<intervals {
            sum += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h)
        }
        return sum * h / 3
    }

    /// The entropy −Σ p ln p of a distribution, in nats.
    static func entropy(_ probabilities: [Double]) -> Double {
        -probabilities.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
    }

    /// The mean of the squares of `values`: the MSE of always predicting zero.
    static func meanSquare(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0) { $0 + $1 * $1 } / Double(values.count)
    }

    /// The mean, over the columns of a row-major `[rows, width]` array, of each column's variance:
    /// the MSE of predicting each output's mean.
    static func meanColumnVariance(_ values: [Double], width: Int) -> Double {
        let rows = values.count / width
        guard rows > 0 else { return 0 }
        var total = 0.0
        for column in 0..<width {
            var mean = 0.0
            for row in 0..<rows { mean += values[row * width + column] }
            mean /= Double(rows)
            var squares = 0.0
            for row in 0..<rows {
                let d = values[row * width + column] - mean
                squares += d * d
            }
            total += squares / Double(rows)
        }
        return total / Double(width)
    }
}
