/// A shaped array of doubles: a known weight matrix or bias, flat and row-major.
public struct ShapedArray: Sendable, Hashable, Codable {
    /// The shape, outermost dimension first.
    public let shape: [Int]
    /// `product(shape)` values in row-major order.
    public let values: [Double]

    /// Creates a shaped array.
    ///
    /// - Parameters:
    ///   - shape: The shape, outermost dimension first.
    ///   - values: `product(shape)` values in row-major order.
    public init(shape: [Int], values: [Double]) {
        precondition(shape.reduce(1, *) == values.count, "values do not fill the shape")
        self.shape = shape
        self.values = values
    }
}
