import NNBenchEngine

/// A model that can tell every step's hidden state of its recurrent layers in its last pass,
/// also where a layer's output holds only the last step: nnbench's engine. The protocol cannot
/// (a `sequence: false` layer's trace is its last step), so a relu `rnn`'s kinks at earlier steps
/// are seen on the engine alone (``KinkPattern``).
protocol HiddenSequenceSource {
    /// By recurrent layer index, `h_t` for t = 1...steps of the last forward pass (a whole
    /// network's or one layer's), `[n, steps, units]` (``Network/hiddenSequences``).
    var hiddenSequences: [Int: Tensor<Double>] { get }
}

extension EngineModel: HiddenSequenceSource {
    var hiddenSequences: [Int: Tensor<Double>] {
        (network?.hiddenSequences ?? [:]).mapValues { $0.converted(to: Double.self) }
    }
}
