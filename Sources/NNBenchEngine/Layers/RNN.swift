/// An Elman network as PyTorch's `nn.RNN` (one layer, batch first):
///
///     h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),  act = tanh or relu
///
/// Each step's pre-activation is computed in place of `h_t` and activated there, so the layer
/// keeps nothing but the states; the derivative of `act` is read from `h_t`.
package final class RNNLayer<Scalar: EngineScalar>: Layer {
    package let nonlinearity: RecurrentNonlinearity
    package let weights: RecurrentWeights<Scalar>
    package let sequence: RecurrentSequence<Scalar>
    package var computesInputGradient = true
    /// d loss / d (pre-activation) of every step, `[steps, n, units]`.
    private let preactivationGradient = Buffer<Scalar>()

    package init(
        index: Int, inputs: Int, steps: Int, units: Int, nonlinearity: RecurrentNonlinearity, returnsSequence: Bool, bias: Bool,
        threads: Int
    ) {
        self.nonlinearity = nonlinearity
        weights = RecurrentWeights(index: index, inputs: inputs, units: units, gates: 1, bias: bias, threads: threads)
        sequence = RecurrentSequence(steps: steps, units: units, returnsSequence: returnsSequence, stateCount: 1)
    }

    package var parameters: [Parameter<Scalar>] { weights.parameters }
    package var recurrent: RecurrentSequence<Scalar>? { sequence }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        let x = sequence.begin(input)
        let (n, steps, block) = (sequence.samples, sequence.steps, sequence.block)
        let h = sequence.hidden.pointer
        // h_1 ... h_steps first hold every step's input part, x_t·W_ihᵀ + b_ih + b_hh.
        weights.projectInputs(x, rows: steps * n, into: h + block, addingHiddenBias: true)
        for t in 0..<steps {
            weights.addRecurrent(h + t * block, rows: n, into: h + (t + 1) * block)
            Scalar._rnnStep(nonlinearity, h + (t + 1) * block, count: block)
        }
        return sequence.finish()
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        let (n, steps, block) = (sequence.samples, sequence.steps, sequence.block)
        sequence.beginBackward(outputGradient)
        let dh = sequence.hiddenGradient.pointer
        preactivationGradient.resize(steps * block)
        let da = preactivationGradient.pointer
        for t in (0..<steps).reversed() {
            sequence.gatherGradient(step: t)
            Scalar._rnnStepBackward(nonlinearity, hidden: sequence.hidden.pointer + (t + 1) * block, hiddenGradient: dh, into: da + t * block, count: block)
            weights.backpropagateRecurrent(da + t * block, rows: n, into: dh)
        }
        weights.writeGradients(inputGates: da, hiddenGates: da, inputs: sequence.inputs.pointer, previousHidden: sequence.hidden.pointer, rows: steps * n)
        return sequence.finishBackward(computesInputGradient: computesInputGradient) { dx in
            weights.inputGradient(da, rows: steps * n, into: dx)
        }
    }
}
