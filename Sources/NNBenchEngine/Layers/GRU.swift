/// A gated recurrent unit as PyTorch's `nn.GRU` (one layer, batch first), gates stacked in
/// PyTorch's order reset, update, new:
///
///     r = σ(x_t·W_irᵀ + b_ir + h_{t−1}·W_hrᵀ + b_hr)
///     z = σ(x_t·W_izᵀ + b_iz + h_{t−1}·W_hzᵀ + b_hz)
///     n = tanh(x_t·W_inᵀ + b_in + r·(h_{t−1}·W_hnᵀ + b_hn))
///     h_t = (1 − z)·n + z·h_{t−1}
///
/// `b_hn` sits inside `r·(…)`, so the hidden side's products are kept apart from the input side's
/// (``hiddenGates``), and their gradients differ in the new gate's block.
package final class GRULayer<Scalar: EngineScalar>: Layer {
    package let weights: RecurrentWeights<Scalar>
    package let sequence: RecurrentSequence<Scalar>
    package var computesInputGradient = true
    /// Every step's `x_t·W_ihᵀ + b_ih`, then its gates `[r, z, n]`: `[steps, n, 3·units]`.
    private let gates = Buffer<Scalar>()
    /// Every step's `h_{t−1}·W_hhᵀ + b_hh`.
    private let hiddenGates = Buffer<Scalar>()
    /// d loss / d (`x·W_ihᵀ + b_ih`) and d loss / d (`h·W_hhᵀ + b_hh`) of every step.
    private let inputGateGradient = Buffer<Scalar>()
    private let hiddenGateGradient = Buffer<Scalar>()

    package init(index: Int, inputs: Int, steps: Int, units: Int, returnsSequence: Bool, bias: Bool, threads: Int) {
        weights = RecurrentWeights(index: index, inputs: inputs, units: units, gates: 3, bias: bias, threads: threads)
        sequence = RecurrentSequence(steps: steps, units: units, returnsSequence: returnsSequence, stateCount: 1)
    }

    package var parameters: [Parameter<Scalar>] { weights.parameters }
    package var recurrent: RecurrentSequence<Scalar>? { sequence }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        let x = sequence.begin(input)
        let (n, units, steps, block) = (sequence.samples, weights.units, sequence.steps, sequence.block)
        let h = sequence.hidden.pointer
        gates.resize(steps * 3 * block)
        hiddenGates.resize(steps * 3 * block)
        weights.projectInputs(x, rows: steps * n, into: gates.pointer, addingHiddenBias: false)
        for t in 0..<steps {
            let recurrent = hiddenGates.pointer + t * 3 * block
            weights.addRecurrent(h + t * block, rows: n, into: recurrent, beta: 0)
            if let bias = weights.biasHH { Scalar._addToEveryRow(bias.value.pointer, matrix: recurrent, rows: n, columns: 3 * units) }
            Scalar._gruStep(
                gates: gates.pointer + t * 3 * block, hiddenGates: recurrent, previousHidden: h + t * block,
                hidden: h + (t + 1) * block, rows: n, units: units)
        }
        return sequence.finish()
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        let (n, units, steps, block) = (sequence.samples, weights.units, sequence.steps, sequence.block)
        sequence.beginBackward(outputGradient)
        let dh = sequence.hiddenGradient.pointer
        inputGateGradient.resize(steps * 3 * block)
        hiddenGateGradient.resize(steps * 3 * block)
        let (dgi, dgh) = (inputGateGradient.pointer, hiddenGateGradient.pointer)
        for t in (0..<steps).reversed() {
            sequence.gatherGradient(step: t)
            // dh·z, the direct path to h_{t−1}, lands in dh itself; the path through the gates is added to it.
            Scalar._gruStepBackward(
                gates: gates.pointer + t * 3 * block, hiddenGates: hiddenGates.pointer + t * 3 * block,
                previousHidden: sequence.hidden.pointer + t * block, hiddenGradient: dh, inputGateGradient: dgi + t * 3 * block,
                hiddenGateGradient: dgh + t * 3 * block, previousHiddenGradient: dh, rows: n, units: units)
            weights.backpropagateRecurrent(dgh + t * 3 * block, rows: n, into: dh, beta: 1)
        }
        weights.writeGradients(
            inputGates: dgi, hiddenGates: dgh, inputs: sequence.inputs.pointer, previousHidden: sequence.hidden.pointer, rows: steps * n)
        return sequence.finishBackward(computesInputGradient: computesInputGradient) { dx in
            weights.inputGradient(dgi, rows: steps * n, into: dx)
        }
    }
}
