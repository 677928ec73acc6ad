import NNBenchEngine

/// A model that can tell the gradient reaching each hidden state of its recurrent layers in its
/// last backward pass: nnbench's engine. The protocol cannot (it gives the initial state's
/// gradient, not every step's), so the `health` check reads it from the engine alone.
protocol TimeStepGradientSource {
    /// By recurrent layer index, `‖∂L/∂h_t‖` for each step `t` of the last backward pass
    /// (``Network/timeStepGradientNorms``), and the unit roundoff of the model's scalar.
    var timeStepGradients: (norms: [Int: [Double]], unitRoundoff: Double) { get }
}

extension EngineModel: TimeStepGradientSource {
    var timeStepGradients: (norms: [Int: [Double]], unitRoundoff: Double) {
        ((network?.timeStepGradientNorms ?? [:]).mapValues { $0.map(Double.init) }, Double(Scalar.ulpOfOne) / 2)
    }
}
