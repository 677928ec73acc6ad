/// The largest networks and batches the engine builds, checked before anything is allocated, so
/// that a size no machine can hold (`dense(99999999999)`, a padding of a million) is an error
/// naming the layer instead of an allocation that fails or a product that overflows.
///
/// The limits are far above what nnbench's tasks need (the largest reference solution has a few
/// thousand parameters) and far below what would exhaust a small machine: training keeps about
/// four copies of the parameters (values, gradients, two optimizer moments) and a few of each
/// layer's output (output, input gradient, batchnorm's normalised values).
public enum SizeLimits {
    /// The most trainable values in a network: 2²⁶ = 67,108,864 (256 MiB in Float32).
    public static let parameters = 1 << 26
    /// The most values of one sample in any layer's input or output, or in conv2d's per-sample
    /// columns (`channels·kernel²·output pixels`): 2²² = 4,194,304 (16 MiB in Float32).
    public static let valuesPerSample = 1 << 22
    /// The most values of one layer's output over a batch: 2²⁸ = 268,435,456 (1 GiB in Float32).
    public static let valuesPerBatch = 1 << 28

    /// The product of `factors`, or `nil` when it exceeds `limit` (or overflows on the way).
    ///
    /// - Parameters:
    ///   - factors: Non-negative sizes.
    ///   - limit: The largest accepted product.
    /// - Returns: The product when it is at most `limit`.
    public static func product(_ factors: [Int], atMost limit: Int) -> Int? {
        var product = 1
        for factor in factors {
            let (value, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow, value <= limit else { return nil }
            product = value
        }
        return product
    }

    /// `2^k` for a limit that is a power of two, for messages: `4194304 (2^22)`.
    static func describe(_ limit: Int) -> String {
        limit > 0 && limit & (limit - 1) == 0 ? "\(limit) (2^\(limit.trailingZeroBitCount))" : "\(limit)"
    }
}
