/// A block of scalars that grows but never shrinks, so that a layer's outputs and gradients are
/// allocated once and reused for every batch of the same or a smaller size.
package final class Buffer<Scalar: EngineScalar> {
    package private(set) var pointer: UnsafeMutablePointer<Scalar>
    package private(set) var capacity: Int
    /// The number of values in use.
    package private(set) var count: Int

    /// Creates a buffer of `count` zeros.
    package init(count: Int = 0) {
        capacity = Swift.max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
        self.count = count
    }

    /// Creates a buffer holding a copy of `values`.
    package convenience init(_ values: [Scalar]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` values; the contents are unspecified afterwards when it had to grow.
    package func resize(_ count: Int) {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        self.count = count
    }

    /// Sets every value in use to zero.
    package func zero() { pointer.update(repeating: 0, count: count) }

    /// The values in use, copied into an array.
    package var array: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the values with `values`, resizing to their count.
    package func assign(_ values: [Scalar]) {
        resize(values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }
}

/// A batch flowing between layers: `count` samples of `shape`, stored in a buffer owned by the
/// layer that produced it and valid until that layer runs again.
package struct Batch<Scalar: EngineScalar> {
    /// The number of samples.
    package let count: Int
    /// The shape of one sample.
    package let shape: [Int]
    /// `count * width` values, sample after sample.
    package let pointer: UnsafeMutablePointer<Scalar>

    /// A batch of `count` samples of `shape` at `pointer`.
    package init(count: Int, shape: [Int], pointer: UnsafeMutablePointer<Scalar>) {
        self.count = count
        self.shape = shape
        self.pointer = pointer
    }

    /// The number of values in one sample.
    package var width: Int { shape.reduce(1, *) }
    /// The number of values in the batch.
    package var size: Int { count * width }

    /// The batch's values as a tensor of shape `[count] + shape`.
    package var tensor: Tensor<Scalar> {
        Tensor(shape: [count] + shape, scalars: Array(UnsafeBufferPointer(start: pointer, count: size)))
    }
}

/// A trainable tensor and its gradient, named as the model protocol names it (`"0.weight"`, `docs/protocol.md`).
package final class Parameter<Scalar: EngineScalar> {
    package let name: String
    package let shape: [Int]
    package let value: Buffer<Scalar>
    package let gradient: Buffer<Scalar>

    package init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
        let count = shape.reduce(1, *)
        value = Buffer(count: count)
        gradient = Buffer(count: count)
    }

    package var count: Int { value.count }
}
