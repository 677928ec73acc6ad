/// A fully connected layer: `y = x · W + b`, with `W` of shape `[inputs, units]` as in `PROTOCOL.md`.
final class DenseLayer<Scalar: EngineScalar>: Layer {
    let inputs: Int
    let units: Int
    let weight: Parameter<Scalar>
    let bias: Parameter<Scalar>?
    let threads: Int
    var computesInputGradient = true
    private var input: Batch<Scalar>?
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    init(index: Int, inputs: Int, units: Int, bias: Bool, threads: Int) {
        self.inputs = inputs
        self.units = units
        self.threads = threads
        weight = Parameter(name: "\(index).weight", shape: [inputs, units])
        self.bias = bias ? Parameter(name: "\(index).bias", shape: [units]) : nil
    }

    var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }

    func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        let n = input.count
        output.resize(n * units)
        // y[n×units] = x[n×inputs] · W[inputs×units] (+ b on every row)
        Scalar.gemm(
            m: n, n: units, k: inputs, a: input.pointer, lda: inputs, b: weight.value.pointer, ldb: units,
            beta: 0, c: output.pointer, ldc: units, threads: threads)
        if let bias { Scalar.addToEveryRow(bias.value.pointer, matrix: output.pointer, rows: n, columns: units) }
        return Batch(count: n, shape: [units], pointer: output.pointer)
    }

    func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        let n = input.count, dy = outputGradient.pointer
        // dW[inputs×units] = xᵀ · dy
        Scalar.gemm(
            transposeA: true, m: inputs, n: units, k: n, a: input.pointer, lda: inputs, b: dy, ldb: units,
            beta: 0, c: weight.gradient.pointer, ldc: units, threads: threads)
        // db = the sum of dy over the batch
        if let bias { Scalar.sumRows(dy, rows: n, columns: units, into: bias.gradient.pointer) }
        inputGradient.resize(n * inputs)
        if computesInputGradient {
            // dx[n×inputs] = dy · Wᵀ
            Scalar.gemm(
                transposeB: true, m: n, n: inputs, k: units, a: dy, lda: units, b: weight.value.pointer, ldb: units,
                beta: 0, c: inputGradient.pointer, ldc: inputs, threads: threads)
        }
        return Batch(count: n, shape: [inputs], pointer: inputGradient.pointer)
    }
}

extension EngineScalar {
    public static func addToEveryRow(
        _ vector: UnsafePointer<Self>, matrix: UnsafeMutablePointer<Self>, rows: Int, columns: Int
    ) {
        for i in 0..<rows {
            let row = matrix + i * columns
            for j in 0..<columns { row[j] += vector[j] }
        }
    }

    public static func sumRows(
        _ matrix: UnsafePointer<Self>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Self>
    ) {
        sums.update(repeating: 0, count: columns)
        for i in 0..<rows {
            let row = matrix + i * columns
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}
