/// The mean and sample standard deviation of a metric over seeds.
public struct Summary: Sendable, Hashable {
    /// The mean.
    public let mean: Double
    /// The sample standard deviation (divisor n − 1); `nil` for a single value.
    public let standardDeviation: Double?
    /// The number of values.
    public let count: Int

    /// Summarises values, summed in order (the same values give the same bits).
    ///
    /// - Parameter values: At least one value.
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "a summary needs at least one value")
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let mean = self.mean
        standardDeviation = values.count > 1
            ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot() : nil
    }
}
