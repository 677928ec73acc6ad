/// What every recurrent layer does around its cell: it reorders a batch `[n, steps, f]` to the
/// step-major `[steps, n, f]` the recurrence walks through, keeps every step's state (`h`, and
/// `c` for an LSTM) starting from the initial state, returns every step's `h` or the last one,
/// and on the way back gathers the gradient reaching each `h_t`, keeps its norm per step, and
/// hands back the gradient of the initial state.
///
/// The initial state is zeros unless one is set (``initialState``), as PyTorch's `h0` and `c0`;
/// a gradient with respect to the final state (``finalStateGradient``) can be added to the one
/// the outputs send back, for a loss that reads the final state.
package final class RecurrentSequence<Scalar: EngineScalar> {
    package let steps: Int
    package let units: Int
    /// Whether the output is every step's `h` (`[steps, units]`) or only the last (`[units]`).
    package let returnsSequence: Bool
    /// The state's parts: 1 (`h`) or 2 (`h`, `c`).
    package let stateCount: Int

    /// The state the next passes start from, per part (`h`, then `c`), `n·units` values each for
    /// batches of `n` samples; `nil` for zeros.
    package var initialState: [[Scalar]]?
    /// d loss / d (final state), per part, added in the next backward pass; `nil` for none.
    package var finalStateGradient: [[Scalar]]?
    /// d loss / d (initial state) of the last backward pass, per part.
    package private(set) var initialStateGradient: [[Scalar]] = []
    /// The last backward pass's `‖d loss / d h_t‖` for each step `t`, over the whole batch: the
    /// gradient reaching `h_t` from its output and from every later step.
    package private(set) var stepGradientNorms: [Scalar] = []

    /// `h_t` for t = 0...steps, step-major: `hidden[0]` is the initial state.
    package let hidden = Buffer<Scalar>()
    /// `c_t` likewise, for an LSTM.
    package let cells = Buffer<Scalar>()
    /// The input, step-major `[steps, n, inputs]`.
    package let inputs = Buffer<Scalar>()
    /// d loss / d h_t of the step being walked back through, then d loss / d h_{t−1}.
    let hiddenGradient = Buffer<Scalar>()
    /// d loss / d c_t likewise, for an LSTM.
    let cellGradient = Buffer<Scalar>()
    private let output = Buffer<Scalar>()
    private let outputGradient = Buffer<Scalar>()
    private let stepInputGradient = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()
    private var inputShape: [Int] = []
    /// The batch size of the last forward pass.
    package private(set) var samples = 0

    init(steps: Int, units: Int, returnsSequence: Bool, stateCount: Int) {
        (self.steps, self.units, self.returnsSequence, self.stateCount) = (steps, units, returnsSequence, stateCount)
    }

    /// The values of one step's state for the last batch.
    package var block: Int { samples * units }

    /// Reorders `input` to step-major and sets the state at step 0; returns the step-major input.
    func begin(_ input: Batch<Scalar>) -> UnsafeMutablePointer<Scalar> {
        precondition(input.shape.count == 2 && input.shape[0] == steps, "recurrent layer: input \(input.shape) is not [\(steps), features]")
        samples = input.count
        inputShape = input.shape
        inputs.resize(input.size)
        Scalar._swapLeadingAxes(input.pointer, samples, steps, width: input.shape[1], into: inputs.pointer)
        hidden.resize((steps + 1) * block)
        cells.resize(stateCount == 2 ? (steps + 1) * block : 0)
        for (part, buffer) in [hidden, cells].prefix(stateCount).enumerated() {
            // Network.validate has held the batch to the states' size before any pass.
            if let initialState {
                initialState[part].withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: block) }
            } else {
                buffer.pointer.update(repeating: 0, count: block)
            }
        }
        return inputs.pointer
    }

    /// The layer's output once every step has run: every `h_t` sample-major, or `h_steps`.
    func finish() -> Batch<Scalar> {
        guard returnsSequence else {
            return Batch(count: samples, shape: [units], pointer: hidden.pointer + steps * block)
        }
        output.resize(samples * steps * units)
        Scalar._swapLeadingAxes(UnsafePointer(hidden.pointer + block), steps, samples, width: units, into: output.pointer)
        return Batch(count: samples, shape: [steps, units], pointer: output.pointer)
    }

    /// The final state of the last forward pass, per part.
    var finalState: [[Scalar]] {
        [hidden, cells].prefix(stateCount).map { buffer -> [Scalar] in
            Array(UnsafeMutableBufferPointer(start: buffer.pointer + steps * block, count: block))
        }
    }

    /// Starts the way back: d loss / d (final state) in ``hiddenGradient`` and ``cellGradient``.
    func beginBackward(_ gradient: Batch<Scalar>) {
        if returnsSequence {
            outputGradient.resize(gradient.size)
            Scalar._swapLeadingAxes(gradient.pointer, samples, steps, width: units, into: outputGradient.pointer)
        }
        stepGradientNorms = []
        for (part, buffer) in [hiddenGradient, cellGradient].prefix(stateCount).enumerated() {
            buffer.resize(block)
            if let finalStateGradient {
                finalStateGradient[part].withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: block) }
            } else {
                buffer.zero()
            }
        }
        if !returnsSequence { Scalar._accumulate(gradient.pointer, into: hiddenGradient.pointer, count: block) }
    }

    /// Adds step `t`'s output gradient to ``hiddenGradient``, which then holds all of
    /// d loss / d h_t, and keeps its norm.
    func gatherGradient(step t: Int) {
        if returnsSequence { Scalar._accumulate(outputGradient.pointer + t * block, into: hiddenGradient.pointer, count: block) }
        // Summed in Double: an exploding gradient's squares overflow Float long before its norm does.
        stepGradientNorms.append(Scalar(Scalar._sumOfSquaresInDouble(hiddenGradient.pointer, count: block).squareRoot()))
    }

    /// Ends the way back: keeps d loss / d (initial state) and returns the input gradient,
    /// `compute` writing it step-major (`[steps·n, inputs]`) when asked for.
    func finishBackward(computesInputGradient: Bool, _ compute: (UnsafeMutablePointer<Scalar>) -> Void) -> Batch<Scalar> {
        stepGradientNorms.reverse()
        initialStateGradient = [hiddenGradient, cellGradient].prefix(stateCount).map(\.array)
        inputGradient.resize(samples * inputShape.reduce(1, *))
        if computesInputGradient {
            stepInputGradient.resize(inputGradient.count)
            compute(stepInputGradient.pointer)
            Scalar._swapLeadingAxes(stepInputGradient.pointer, steps, samples, width: inputShape[1], into: inputGradient.pointer)
        }
        return Batch(count: samples, shape: inputShape, pointer: inputGradient.pointer)
    }
}
