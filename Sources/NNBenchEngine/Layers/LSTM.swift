/// A long short-term memory layer as PyTorch's `nn.LSTM` (one layer, batch first), gates stacked
/// in PyTorch's order input, forget, cell, output:
///
///     [a_i, a_f, a_g, a_o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh
///     i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g)
///     c_t = f·c_{t−1} + i·g;  h_t = o·tanh(c_t)
///
/// Backpropagation through time walks the steps backwards carrying d loss / d h and d loss / d c;
/// the cell's arithmetic is in ``_RecurrentKernels``, the products in ``RecurrentWeights``.
package final class LSTMLayer<Scalar: EngineScalar>: Layer {
    package let weights: RecurrentWeights<Scalar>
    package let sequence: RecurrentSequence<Scalar>
    package var computesInputGradient = true
    /// Every step's gates, `[steps, n, 4·units]`: pre-activations, then activations.
    private let gates = Buffer<Scalar>()
    /// Every step's `tanh(c_t)`.
    private let cellTanh = Buffer<Scalar>()
    /// Every step's d loss / d (pre-activations), `[steps, n, 4·units]`.
    private let gateGradient = Buffer<Scalar>()

    package init(index: Int, inputs: Int, steps: Int, units: Int, returnsSequence: Bool, bias: Bool, threads: Int) {
        weights = RecurrentWeights(index: index, inputs: inputs, units: units, gates: 4, bias: bias, threads: threads)
        sequence = RecurrentSequence(steps: steps, units: units, returnsSequence: returnsSequence, stateCount: 2)
    }

    package var parameters: [Parameter<Scalar>] { weights.parameters }
    package var recurrent: RecurrentSequence<Scalar>? { sequence }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        let x = sequence.begin(input)
        let (n, units, steps, block) = (sequence.samples, weights.units, sequence.steps, sequence.block)
        let (h, c) = (sequence.hidden.pointer, sequence.cells.pointer)
        gates.resize(steps * 4 * block)
        cellTanh.resize(steps * block)
        weights.projectInputs(x, rows: steps * n, into: gates.pointer, addingHiddenBias: true)
        for t in 0..<steps {
            let g = gates.pointer + t * 4 * block
            weights.addRecurrent(h + t * block, rows: n, into: g)
            Scalar._lstmStep(
                gates: g, previousCell: c + t * block, cell: c + (t + 1) * block, cellTanh: cellTanh.pointer + t * block,
                hidden: h + (t + 1) * block, rows: n, units: units)
        }
        return sequence.finish()
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        let (n, units, steps, block) = (sequence.samples, weights.units, sequence.steps, sequence.block)
        sequence.beginBackward(outputGradient)
        let (dh, dc) = (sequence.hiddenGradient.pointer, sequence.cellGradient.pointer)
        gateGradient.resize(steps * 4 * block)
        let dg = gateGradient.pointer
        for t in (0..<steps).reversed() {
            sequence.gatherGradient(step: t)
            Scalar._lstmStepBackward(
                gates: gates.pointer + t * 4 * block, previousCell: sequence.cells.pointer + t * block,
                cellTanh: cellTanh.pointer + t * block, hiddenGradient: dh, cellGradient: dc,
                gateGradient: dg + t * 4 * block, rows: n, units: units)
            // d loss / d h_{t−1} through the gates; its share through the outputs comes at step t − 1.
            weights.backpropagateRecurrent(dg + t * 4 * block, rows: n, into: dh)
        }
        weights.writeGradients(
            inputGates: dg, hiddenGates: dg, inputs: sequence.inputs.pointer,
            previousHidden: sequence.hidden.pointer, rows: steps * n)
        return sequence.finishBackward(computesInputGradient: computesInputGradient) { dx in
            weights.inputGradient(dg, rows: steps * n, into: dx)
        }
    }
}
