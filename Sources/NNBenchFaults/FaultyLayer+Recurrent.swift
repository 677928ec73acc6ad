import NNBenchEngine

/// The wrong backward passes through time of the rnn and the LSTM, and the gate layouts of the
/// LSTM and the GRU that are not PyTorch's. The engine's layers keep their
/// gates private; these passes read the states the layer kept (``RecurrentSequence``: its input,
/// every `h_t` and `c_t`), recompute each step's gates with the engine's own products and cell
/// kernels, which gives the same values, and walk back with the fault's mistake. They overwrite
/// the parameters' gradients and the input gradient the correct pass wrote; d loss / d (initial
/// state) stays the correct pass's (no check reads it).
extension FaultyLayer {
    /// The output gradient step-major, `[steps, n, units]`: a sequence's reordered, the last
    /// step's alone (zeros before it) when the layer returns only that.
    private func stepMajor(_ outputGradient: Batch<Scalar>, _ sequence: RecurrentSequence<Scalar>) -> Buffer<Scalar> {
        let (steps, block) = (sequence.steps, sequence.block)
        let gradient = Buffer<Scalar>(count: steps * block)
        if sequence.returnsSequence {
            Scalar._swapLeadingAxes(outputGradient.pointer, sequence.samples, steps, width: sequence.units, into: gradient.pointer)
        } else {
            gradient.zero()
            (gradient.pointer + (steps - 1) * block).update(from: outputGradient.pointer, count: block)
        }
        return gradient
    }

    /// d loss / d (final state) part `part` as the pass starts with it: the one set, or zeros.
    private func finalStateGradient(_ sequence: RecurrentSequence<Scalar>, part: Int) -> Buffer<Scalar> {
        let gradient = Buffer<Scalar>(count: sequence.block)
        if let given = sequence.finalStateGradient?[part] { gradient.assign(given) } else { gradient.zero() }
        return gradient
    }

    /// Writes `dx` sample-major from the step-major `dgi`, when the input gradient is asked for.
    private func writeInputGradient(_ dgi: UnsafePointer<Scalar>, _ weights: RecurrentWeights<Scalar>, _ sequence: RecurrentSequence<Scalar>, into dx: UnsafeMutablePointer<Scalar>) {
        guard computesInputGradient else { return }
        let rows = sequence.steps * sequence.samples
        let stepMajor = Buffer<Scalar>(count: rows * weights.inputs)
        weights.inputGradient(dgi, rows: rows, into: stepMajor.pointer)
        Scalar._swapLeadingAxes(stepMajor.pointer, sequence.steps, sequence.samples, width: weights.inputs, into: dx)
    }

    /// The Elman rnn's backward pass through time with ``Fault/bpttTruncatedToOneStep`` (d loss /
    /// d h_{t−1} gets nothing from step t), ``Fault/rnnWeightHHGradientUsesCurrentState``
    /// (`dW_hh` from `h_t`) or ``Fault/rnnWeightHHGradientSkipsFirstStep`` (`dW_hh` without `h_0`).
    func faultyRNNBackward(_ outputGradient: Batch<Scalar>, into dx: UnsafeMutablePointer<Scalar>) {
        let rnn = inner as! RNNLayer<Scalar>
        let (sequence, weights) = (rnn.sequence, rnn.weights)
        let (n, steps, block) = (sequence.samples, sequence.steps, sequence.block)
        let h = sequence.hidden.pointer
        let dy = stepMajor(outputGradient, sequence), dh = finalStateGradient(sequence, part: 0)
        let da = Buffer<Scalar>(count: steps * block)
        for t in (0..<steps).reversed() {
            Scalar._accumulate(dy.pointer + t * block, into: dh.pointer, count: block)
            Scalar._rnnStepBackward(rnn.nonlinearity, hidden: h + (t + 1) * block, hiddenGradient: dh.pointer, into: da.pointer + t * block, count: block)
            if fault == .bpttTruncatedToOneStep {
                dh.zero()
            } else {
                weights.backpropagateRecurrent(da.pointer + t * block, rows: n, into: dh.pointer)
            }
        }
        // The states each step read, h_0 zeroed for the bug that skips the first step's term.
        let withoutInitial = Buffer<Scalar>(count: (steps + 1) * block)
        withoutInitial.pointer.update(from: h, count: (steps + 1) * block)
        withoutInitial.pointer.update(repeating: 0, count: block)
        let previous = switch fault {
        case .rnnWeightHHGradientUsesCurrentState: h + block
        case .rnnWeightHHGradientSkipsFirstStep: withoutInitial.pointer
        default: h
        }
        weights.writeGradients(inputGates: da.pointer, hiddenGates: da.pointer, inputs: sequence.inputs.pointer, previousHidden: previous, rows: steps * n)
        writeInputGradient(da.pointer, weights, sequence, into: dx)
    }

    /// The LSTM's backward pass through time with ``Fault/lstmCellGradientSkipsForgetGate``: after
    /// each step, d loss / d c_{t−1} is left at zero instead of `dc_t·f`.
    func faultyLSTMBackward(_ outputGradient: Batch<Scalar>, into dx: UnsafeMutablePointer<Scalar>) {
        let lstm = inner as! LSTMLayer<Scalar>
        let (sequence, weights) = (lstm.sequence, lstm.weights)
        let (n, units, steps, block) = (sequence.samples, weights.units, sequence.steps, sequence.block)
        let (h, c) = (sequence.hidden.pointer, sequence.cells.pointer)
        // The forward's gates again, from the kept states: the same products and kernel.
        let gates = Buffer<Scalar>(count: steps * 4 * block), cellTanh = Buffer<Scalar>(count: steps * block)
        let scratch = Buffer<Scalar>(count: 2 * block)
        weights.projectInputs(sequence.inputs.pointer, rows: steps * n, into: gates.pointer, addingHiddenBias: true)
        for t in 0..<steps {
            let g = gates.pointer + t * 4 * block
            weights.addRecurrent(h + t * block, rows: n, into: g)
            Scalar._lstmStep(
                gates: g, previousCell: c + t * block, cell: scratch.pointer, cellTanh: cellTanh.pointer + t * block,
                hidden: scratch.pointer + block, rows: n, units: units)
        }
        let dy = stepMajor(outputGradient, sequence)
        let (dh, dc) = (finalStateGradient(sequence, part: 0), finalStateGradient(sequence, part: 1))
        let dg = Buffer<Scalar>(count: steps * 4 * block)
        for t in (0..<steps).reversed() {
            Scalar._accumulate(dy.pointer + t * block, into: dh.pointer, count: block)
            Scalar._lstmStepBackward(
                gates: gates.pointer + t * 4 * block, previousCell: c + t * block, cellTanh: cellTanh.pointer + t * block,
                hiddenGradient: dh.pointer, cellGradient: dc.pointer, gateGradient: dg.pointer + t * 4 * block, rows: n, units: units)
            dc.zero()
            weights.backpropagateRecurrent(dg.pointer + t * 4 * block, rows: n, into: dh.pointer)
        }
        weights.writeGradients(inputGates: dg.pointer, hiddenGates: dg.pointer, inputs: sequence.inputs.pointer, previousHidden: h, rows: steps * n)
        writeInputGradient(dg.pointer, weights, sequence, into: dx)
    }

    /// The stacked weights of the LSTM or GRU whose gate layout the fault rearranges.
    var gateLayoutWeights: RecurrentWeights<Scalar> {
        (inner as? LSTMLayer<Scalar>)?.weights ?? (inner as! GRULayer<Scalar>).weights
    }

    /// Rearranges the gate row blocks of every stacked weight and bias, their values or their
    /// gradients, as the fault reads them: the first two blocks swapped (the LSTM's input and
    /// forget gates, the GRU's reset and update gates), or the GRU's update block (the second)
    /// negated, `σ(−a) = 1 − σ(a)` turning `z` into `1 − z`. Either is its own inverse.
    func rearrangeGateBlocks(_ weights: RecurrentWeights<Scalar>, _ buffer: KeyPath<Parameter<Scalar>, Buffer<Scalar>>) {
        for parameter in weights.parameters {
            // A row of gate unit u holds shape[1] values for a weight, one for a bias.
            let span = weights.units * (parameter.shape.count == 2 ? parameter.shape[1] : 1)
            let values = parameter[keyPath: buffer].pointer
            if fault == .gruUpdateGateReversed {
                for i in span..<2 * span { values[i] = -values[i] }
            } else {
                for i in 0..<span { values.swapAt(i, span + i) }
            }
        }
    }
}
