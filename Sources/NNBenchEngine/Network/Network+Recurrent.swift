/// The state of a recurrent layer between steps: `h`, and for an LSTM `c`, each `[n, units]`, as
/// PyTorch's `h0`/`h_n` and `c0`/`c_n` without their layer axis.
public struct RecurrentState<Scalar: Hashable & Sendable>: Hashable, Sendable {
    /// The hidden state `h`, `[n, units]`.
    public var hidden: Tensor<Scalar>
    /// The cell state `c` of an LSTM, `[n, units]`; `nil` for rnn and gru.
    public var cell: Tensor<Scalar>?

    /// Creates a state.
    public init(hidden: Tensor<Scalar>, cell: Tensor<Scalar>? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The parts in order, `h` then `c`.
    var parts: [Tensor<Scalar>] { [hidden] + (cell.map { [$0] } ?? []) }
}

extension Network {
    /// The recurrent layers by index.
    private var recurrentLayers: [(index: Int, sequence: RecurrentSequence<Scalar>)] {
        layers.enumerated().compactMap { index, layer in layer.recurrent.map { (index, $0) } }
    }

    /// Makes every pass start its recurrent layers from these states instead of zeros, until
    /// called again; layers without a state start from zeros. Every pass must then have the
    /// states' batch size `n`.
    ///
    /// - Parameter states: By layer index: `hidden` (and for an LSTM `cell`) `[n, units]`, one `n`
    ///   for all; `nil` or empty for zeros everywhere.
    /// - Throws: ``NetworkError`` for an index that is not a recurrent layer's, a missing or
    ///   superfluous cell state, or a shape that is not `[n, units]`; nothing changes then.
    public func setInitialStates(_ states: [Int: RecurrentState<Scalar>]?) throws(NetworkError) {
        let recurrent = recurrentLayers
        let states = states ?? [:]
        let samples = states.keys.min().flatMap { states[$0]?.hidden.shape.first } ?? 0
        for index in states.keys.sorted() {
            guard let sequence = recurrent.first(where: { $0.index == index })?.sequence else { throw .notARecurrentLayer(index) }
            let state = states[index]!
            guard (state.cell != nil) == (sequence.stateCount == 2) else {
                throw .stateMismatch(index, sequence.stateCount == 2 ? "an LSTM's state needs a cell state" : "only an LSTM has a cell state")
            }
            for (part, tensor) in zip(["hidden", "cell"], state.parts) where tensor.shape != [samples, sequence.units] {
                throw .stateMismatch(index, "its \(part) state has shape \(tensor.shape); expected [n, \(sequence.units)] with n = \(samples) for every layer")
            }
        }
        for (index, sequence) in recurrent {
            sequence.initialState = states[index].map { $0.parts.map(\.scalars) }
        }
    }

    /// The states the recurrent layers started from in the last pass (zeros where none was set).
    public var initialStates: [Int: RecurrentState<Scalar>] {
        states { sequence in
            let block = sequence.samples * sequence.units
            return sequence.initialState ?? Array(repeating: Array(repeating: 0, count: block), count: sequence.stateCount)
        }
    }

    /// The states the recurrent layers ended in after the last forward pass: `h_steps` (and `c_steps`).
    public var finalStates: [Int: RecurrentState<Scalar>] {
        states(\.finalState)
    }

    /// Every step's hidden state `h_t`, t = 1...steps, of every recurrent layer in the last forward
    /// pass, `[n, steps, units]`, also where the layer returns only the last step (`sequence:
    /// false`): the layer keeps them for its backward pass. A relu `rnn`'s kinks are where these
    /// are 0 (`h_t = relu(a_t)`), at every step, not only at the ones its output shows.
    public var hiddenSequences: [Int: Tensor<Scalar>] {
        Dictionary(uniqueKeysWithValues: recurrentLayers.compactMap { index, sequence in
            let (n, steps, units) = (sequence.samples, sequence.steps, sequence.units)
            guard n > 0 else { return nil }
            let stepMajor = sequence.hidden.pointer + sequence.block
            var scalars = [Scalar](repeating: 0, count: n * steps * units)
            for t in 0..<steps {
                for sample in 0..<n {
                    for unit in 0..<units { scalars[(sample * steps + t) * units + unit] = stepMajor[(t * n + sample) * units + unit] }
                }
            }
            return (index, Tensor(shape: [n, steps, units], scalars: scalars))
        })
    }

    /// d loss / d (initial state) of every recurrent layer after the last backward pass (a
    /// gradient or training step).
    public var initialStateGradients: [Int: RecurrentState<Scalar>] {
        states(\.initialStateGradient)
    }

    /// For every recurrent layer, `‖d loss / d h_t‖` over the batch for each step `t` of the last
    /// backward pass: the whole gradient reaching `h_t`, from its output and from every later
    /// step. Vanishing gradients shrink towards `t = 0`; exploding ones grow.
    public var timeStepGradientNorms: [Int: [Scalar]] {
        Dictionary(uniqueKeysWithValues: recurrentLayers.map { ($0.index, $0.sequence.stepGradientNorms) })
    }

    private func states(_ values: (RecurrentSequence<Scalar>) -> [[Scalar]]) -> [Int: RecurrentState<Scalar>] {
        var states: [Int: RecurrentState<Scalar>] = [:]
        for (index, sequence) in recurrentLayers {
            let parts = values(sequence)
            guard parts.count == sequence.stateCount, let count = parts.first?.count, count > 0 else { continue }
            let shape = [count / sequence.units, sequence.units]
            states[index] = RecurrentState(
                hidden: Tensor(shape: shape, scalars: parts[0]), cell: parts.count == 2 ? Tensor(shape: shape, scalars: parts[1]) : nil)
        }
        return states
    }
}

extension RecurrentState where Scalar: BinaryFloatingPoint {
    /// The same state in another precision.
    public func converted<Other: BinaryFloatingPoint & Hashable & Sendable>(to _: Other.Type = Other.self) -> RecurrentState<Other> {
        RecurrentState<Other>(hidden: hidden.converted(to: Other.self), cell: cell?.converted(to: Other.self))
    }
}
