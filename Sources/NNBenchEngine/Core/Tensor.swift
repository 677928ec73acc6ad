/// A shaped array of scalars, flat and row-major: the engine's exchange format for inputs,
/// outputs, parameters and gradients, and the tensor of the model protocol's "Values" (`docs/protocol.md`).
public struct Tensor<Scalar: Hashable & Sendable>: Hashable, Sendable {
    /// The shape, outermost dimension first; `[]` for a scalar.
    public var shape: [Int]
    /// `product(shape)` values in row-major order.
    public var scalars: [Scalar]

    /// Creates a tensor.
    ///
    /// - Parameters:
    ///   - shape: The shape, outermost dimension first.
    ///   - scalars: `product(shape)` values in row-major order.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.reduce(1, *) == scalars.count, "\(scalars.count) values do not fill the shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of values.
    public var count: Int { scalars.count }
}

extension Tensor where Scalar: BinaryFloatingPoint {
    /// A tensor of zeros.
    ///
    /// - Parameter shape: The shape.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: [Scalar](repeating: 0, count: shape.reduce(1, *)))
    }

    /// The same values converted to another floating-point type.
    public func converted<Other: BinaryFloatingPoint & Hashable & Sendable>(to _: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(shape: shape, scalars: scalars.map { Other($0) })
    }
}
