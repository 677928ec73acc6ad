/// A recurrent layer's parameters, named, shaped and stacked as PyTorch's (`weight_ih
/// [gates·units, inputs]`, `weight_hh [gates·units, units]`, `bias_ih`, `bias_hh [gates·units]`,
/// docs/protocol.md), and the matrix products every recurrent cell computes with them.
///
/// The products over the inputs do not depend on the recurrence, so they run once for the whole
/// sequence, `steps·n` rows at a time, forward (`x·W_ihᵀ`) and backward (`dW_ih`, `dW_hh`, the
/// biases, `dx`); only `h·W_hhᵀ` and its backward run step by step.
package struct RecurrentWeights<Scalar: EngineScalar> {
    package let inputs: Int
    package let units: Int
    /// The gates stacked in each weight: 1 (rnn), 3 (gru), 4 (lstm).
    package let gates: Int
    package let weightIH: Parameter<Scalar>
    package let weightHH: Parameter<Scalar>
    package let biasIH: Parameter<Scalar>?
    package let biasHH: Parameter<Scalar>?
    let threads: Int
    /// `W_hhᵀ` and `W_hh` packed for the matrix kernels by the last ``projectInputs(_:rows:into:addingHiddenBias:)``:
    /// every step of a pass multiplies by the same W_hh, so it is packed once per pass, not per step.
    private let packedRecurrent = Buffer<Scalar>()
    private let packedRecurrentBackward = Buffer<Scalar>()

    init(index: Int, inputs: Int, units: Int, gates: Int, bias: Bool, threads: Int) {
        (self.inputs, self.units, self.gates, self.threads) = (inputs, units, gates, threads)
        weightIH = Parameter(name: "\(index).weight_ih", shape: [gates * units, inputs])
        weightHH = Parameter(name: "\(index).weight_hh", shape: [gates * units, units])
        biasIH = bias ? Parameter(name: "\(index).bias_ih", shape: [gates * units]) : nil
        biasHH = bias ? Parameter(name: "\(index).bias_hh", shape: [gates * units]) : nil
    }

    /// In PyTorch's `state_dict` order.
    package var parameters: [Parameter<Scalar>] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }

    /// The values per row of stacked gates.
    package var width: Int { gates * units }

    /// `g[rows × gates·units] = x[rows × inputs] · W_ihᵀ + b_ih`, and `+ b_hh` when `addingHiddenBias`.
    /// The first thing a forward pass does: it also packs W_hh for the pass's steps, forward and
    /// backward (``addRecurrent(_:rows:into:beta:)``, ``backpropagateRecurrent(_:rows:into:beta:)``).
    package func projectInputs(_ x: UnsafePointer<Scalar>, rows: Int, into g: UnsafeMutablePointer<Scalar>, addingHiddenBias: Bool) {
        packedRecurrent.resize(Scalar._packedBCount(k: units, n: width))
        Scalar._packB(transposeB: true, k: units, n: width, b: weightHH.value.pointer, ldb: units, into: packedRecurrent.pointer)
        packedRecurrentBackward.resize(Scalar._packedBCount(k: width, n: units))
        Scalar._packB(transposeB: false, k: width, n: units, b: weightHH.value.pointer, ldb: units, into: packedRecurrentBackward.pointer)
        Scalar.gemm(
            transposeB: true, m: rows, n: width, k: inputs, a: x, lda: inputs, b: weightIH.value.pointer, ldb: inputs,
            beta: 0, c: g, ldc: width, threads: threads)
        if let biasIH { Scalar._addToEveryRow(biasIH.value.pointer, matrix: g, rows: rows, columns: width) }
        if addingHiddenBias, let biasHH { Scalar._addToEveryRow(biasHH.value.pointer, matrix: g, rows: rows, columns: width) }
    }

    /// `g[rows × gates·units] = h[rows × units] · W_hhᵀ + beta·g`, with W_hh as of the last
    /// ``projectInputs(_:rows:into:addingHiddenBias:)``.
    package func addRecurrent(_ h: UnsafePointer<Scalar>, rows: Int, into g: UnsafeMutablePointer<Scalar>, beta: Scalar = 1) {
        Scalar.gemm(
            m: rows, n: width, k: units, a: h, lda: units, packedB: packedRecurrent.pointer,
            beta: beta, c: g, ldc: width, threads: threads)
    }

    /// `dh[rows × units] = dg[rows × gates·units] · W_hh + beta·dh`: the gradient the gates send back
    /// to the previous hidden state, with W_hh as of the last forward pass (its
    /// ``projectInputs(_:rows:into:addingHiddenBias:)``).
    package func backpropagateRecurrent(_ dg: UnsafePointer<Scalar>, rows: Int, into dh: UnsafeMutablePointer<Scalar>, beta: Scalar = 0) {
        Scalar.gemm(
            m: rows, n: units, k: width, a: dg, lda: width, packedB: packedRecurrentBackward.pointer,
            beta: beta, c: dh, ldc: units, threads: threads)
    }

    /// Writes every parameter's gradient from the whole sequence at once, `rows = steps·n`:
    /// `dW_ih = dgᵢᵀ·x`, `dW_hh = dgₕᵀ·h_prev`, `db_ih = Σ dgᵢ`, `db_hh = Σ dgₕ`, where `dgᵢ` and
    /// `dgₕ` are the gradients of `x·W_ihᵀ + b_ih` and `h_prev·W_hhᵀ + b_hh` (the same for rnn and lstm).
    package func writeGradients(
        inputGates dgi: UnsafePointer<Scalar>, hiddenGates dgh: UnsafePointer<Scalar>, inputs x: UnsafePointer<Scalar>,
        previousHidden h: UnsafePointer<Scalar>, rows: Int
    ) {
        Scalar.gemm(
            transposeA: true, m: width, n: inputs, k: rows, a: dgi, lda: width, b: x, ldb: inputs,
            beta: 0, c: weightIH.gradient.pointer, ldc: inputs, threads: threads)
        Scalar.gemm(
            transposeA: true, m: width, n: units, k: rows, a: dgh, lda: width, b: h, ldb: units,
            beta: 0, c: weightHH.gradient.pointer, ldc: units, threads: threads)
        if let biasIH { Scalar._sumRows(dgi, rows: rows, columns: width, into: biasIH.gradient.pointer) }
        if let biasHH { Scalar._sumRows(dgh, rows: rows, columns: width, into: biasHH.gradient.pointer) }
    }

    /// `dx[rows × inputs] = dgᵢ[rows × gates·units] · W_ih`.
    package func inputGradient(_ dgi: UnsafePointer<Scalar>, rows: Int, into dx: UnsafeMutablePointer<Scalar>) {
        Scalar.gemm(
            m: rows, n: inputs, k: width, a: dgi, lda: width, b: weightIH.value.pointer, ldb: inputs,
            beta: 0, c: dx, ldc: inputs, threads: threads)
    }
}
