/// A fully connected layer: `y = x · W + b`, with `W` of shape `[inputs, units]` as in the model protocol (`docs/protocol.md`).
///
/// On a sequence `[n, steps, inputs]` it acts on the last axis at every step, as PyTorch's
/// `Linear` does: the batch is `n·steps` rows of `inputs` values.
package final class DenseLayer<Scalar: EngineScalar>: Layer {
    package let inputs: Int
    package let units: Int
    package let weight: Parameter<Scalar>
    package let bias: Parameter<Scalar>?
    package let threads: Int
    package var computesInputGradient = true
    private var input: Batch<Scalar>?
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    package init(index: Int, inputs: Int, units: Int, bias: Bool, threads: Int) {
        self.inputs = inputs
        self.units = units
        self.threads = threads
        weight = Parameter(name: "\(index).weight", shape: [inputs, units])
        self.bias = bias ? Parameter(name: "\(index).bias", shape: [units]) : nil
    }

    package var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        let rows = input.size / inputs
        output.resize(rows * units)
        // y[rows×units] = x[rows×inputs] · W[inputs×units] (+ b on every row)
        Scalar.gemm(
            m: rows, n: units, k: inputs, a: input.pointer, lda: inputs, b: weight.value.pointer, ldb: units,
            beta: 0, c: output.pointer, ldc: units, threads: threads)
        if let bias { Scalar._addToEveryRow(bias.value.pointer, matrix: output.pointer, rows: rows, columns: units) }
        return Batch(count: input.count, shape: Array(input.shape.dropLast()) + [units], pointer: output.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        let rows = input.size / inputs, dy = outputGradient.pointer
        // dW[inputs×units] = xᵀ · dy
        Scalar.gemm(
            transposeA: true, m: inputs, n: units, k: rows, a: input.pointer, lda: inputs, b: dy, ldb: units,
            beta: 0, c: weight.gradient.pointer, ldc: units, threads: threads)
        // db = the sum of dy over the batch
        if let bias { Scalar._sumRows(dy, rows: rows, columns: units, into: bias.gradient.pointer) }
        inputGradient.resize(rows * inputs)
        if computesInputGradient {
            // dx[rows×inputs] = dy · Wᵀ
            Scalar.gemm(
                transposeB: true, m: rows, n: inputs, k: units, a: dy, lda: units, b: weight.value.pointer, ldb: units,
                beta: 0, c: inputGradient.pointer, ldc: inputs, threads: threads)
        }
        return Batch(count: input.count, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// The dense layer's kernels besides the matrix product.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _DenseKernels {
    /// Adds `vector[j]` to `matrix[i, j]` for every row `i` of a `rows × columns` matrix.
    static func _addToEveryRow(
        _ vector: UnsafePointer<Self>, matrix: UnsafeMutablePointer<Self>, rows: Int, columns: Int)

    /// Writes the column sums of a `rows × columns` matrix to `sums`, adding rows in order.
    static func _sumRows(
        _ matrix: UnsafePointer<Self>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Self>)
}

extension EngineScalar {
    public static func _addToEveryRow(
        _ vector: UnsafePointer<Self>, matrix: UnsafeMutablePointer<Self>, rows: Int, columns: Int
    ) {
        for i in 0..<rows {
            let row = matrix + i * columns
            for j in 0..<columns { row[j] += vector[j] }
        }
    }

    public static func _sumRows(
        _ matrix: UnsafePointer<Self>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Self>
    ) {
        sums.update(repeating: 0, count: columns)
        for i in 0..<rows {
            let row = matrix + i * columns
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}
