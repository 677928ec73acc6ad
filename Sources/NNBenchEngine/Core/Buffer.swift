/// A block of scalars that grows but never shrinks, so that a layer's outputs and gradients are
/// allocated once and reused for every batch of the same or a smaller size.
final class Buffer<Scalar: EngineScalar> {
    private(set) var pointer: UnsafeMutablePointer<Scalar>
    private(set) var capacity: Int
    /// The number of values in use.
    private(set) var count: Int

    /// Creates a buffer of `count` zeros.
    init(count: Int = 0) {
        capacity = Swift.max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
        self.count = count
    }

    /// Creates a buffer holding a copy of `values`.
    convenience init(_ values: [Scalar]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` values; the contents are unspecified afterwards when it had to grow.
    func resize(_ count: Int) {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        self.count = count
    }

    /// Sets every value in use to zero.
    func zero() { pointer.update(repeating: 0, count: count) }

    /// The values in use, copied into an array.
    var array: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the values with `values`, resizing to their count.
    func assign(_ values: [Scalar]) {
        resize(values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }
}

/// A batch flowing between layers: `count` samples of `shape`, stored in a buffer owned by the
/// layer that produced it and valid until that layer runs again.
struct Batch<Scalar: EngineScalar> {
    /// The number of samples.
    let count: Int
    /// The shape of one sample.
    let shape: [Int]
    /// `count * width` values, sample after sample.
    let pointer: UnsafeMutablePointer<Scalar>

    /// The number of values in one sample.
    var width: Int { shape.reduce(1, *) }
    /// The number of values in the batch.
    var size: Int { count * width }

    /// The batch's values as a tensor of shape `[count] + shape`.
    var tensor: Tensor<Scalar> {
        Tensor(shape: [count] + shape, scalars: Array(UnsafeBufferPointer(start: pointer, count: size)))
    }
}

/// A trainable tensor and its gradient, named as in `PROTOCOL.md` (`"0.weight"`).
final class Parameter<Scalar: EngineScalar> {
    let name: String
    let shape: [Int]
    let value: Buffer<Scalar>
    let gradient: Buffer<Scalar>

    init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
        let count = shape.reduce(1, *)
        value = Buffer(count: count)
        gradient = Buffer(count: count)
    }

    var count: Int { value.count }
}
