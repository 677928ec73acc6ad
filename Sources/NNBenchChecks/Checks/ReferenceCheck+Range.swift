import NNBenchEngine
import NNBenchModel

extension ReferenceCheck {
    /// Why the reference's optimizer step just taken says nothing of the model's, or `nil` when it
    /// can be compared.
    ///
    /// A step compares the model's arithmetic with the reference's only while a correct model at
    /// its precision can compute what the reference computed. The reference runs in Double; a
    /// relu rnn over 30 steps can explode under sgd(lr: 0.1) (a property of the architecture, not
    /// a bug), and then the reference holds values a float32 model cannot: the step's loss
    /// 8.00e+82, or a weight that became NaN in the reference itself. The rule: every value the
    /// reference computed in the step (each layer's output at the weights before it, the loss,
    /// the parameters' gradients, the parameters after it) must be finite and within
    /// `√(largest finite value)` of the model's precision: 1.84e19 in float32, 1.34e154 in
    /// float64. The square root because the step multiplies two such values (the loss squares
    /// the error, adam and rmsprop square the gradient, a weight's gradient multiplies an output
    /// gradient by an input), and a product of two values beyond it overflows. The rule reads the
    /// reference's values only, which the model cannot change, so a model that goes non-finite
    /// where the reference stays within range still fails.
    ///
    /// - Parameters:
    ///   - network: The reference after the step, having recorded its outputs (`recordsOutputs`).
    ///   - loss: The reference's loss before the step.
    ///   - precision: The model's precision.
    /// - Returns: What left the range, in words (`the loss 8.00e+82`), or `nil`.
    static func outOfRange(_ network: Network<Double>, loss: Double, precision: Precision) -> String? {
        let limit = comparableLimit(precision)
        func beyond(_ value: Double) -> Bool { !(Swift.abs(value) <= limit) }
        if beyond(loss) { return "loss \(short(loss))" }
        for (layer, output) in network.lastOutputs.enumerated() {
            if let value = output.scalars.first(where: beyond) { return "layer \(layer)'s output holds \(short(value))" }
        }
        for (name, gradient) in network.gradients {
            if let value = gradient.scalars.first(where: beyond) { return "gradient of \(name) holds \(short(value))" }
        }
        for (name, parameter) in network.parameters {
            if let value = parameter.scalars.first(where: beyond) { return "\(name) after the step holds \(short(value))" }
        }
        return nil
    }

    /// `√(largest finite value)` of `precision`: the largest magnitude two of which multiply
    /// without overflow.
    static func comparableLimit(_ precision: Precision) -> Double {
        precision == .float32 ? Double(Float.greatestFiniteMagnitude).squareRoot() : Double.greatestFiniteMagnitude.squareRoot()
    }
}
