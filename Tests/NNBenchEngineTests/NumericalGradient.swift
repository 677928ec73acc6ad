import NNBenchEngine
import NNBenchDatasets

/// Central-difference gradients of a network's loss, in Double, to check the hand-written
/// backward passes against.
enum NumericalGradient {
    /// Inputs and targets drawn deterministically for a network's input shape and loss.
    static func batch(for network: Network<Double>, samples: Int, seed: UInt64 = 1) -> (inputs: Tensor<Double>, targets: Tensor<Double>) {
        let width = network.architecture.inputShape.reduce(1, *)
        let outputs = network.architecture.outputShape.reduce(1, *)
        var stream = RandomStream(key: StreamKey.make(seed: seed, purpose: "test/batch"), index: 0)
        let inputs = (0..<samples * width).map { _ in stream.normal() }
        let targets: Tensor<Double>
        switch network.loss {
        case .mse: targets = Tensor(shape: [samples, outputs], scalars: (0..<samples * outputs).map { _ in stream.normal() })
        case .bceLogits: targets = Tensor(shape: [samples, 1], scalars: (0..<samples).map { _ in Double(stream.integer(below: 2)) })
        case .softmaxCrossEntropy: targets = Tensor(shape: [samples], scalars: (0..<samples).map { _ in Double(stream.integer(below: outputs)) })
        }
        return (Tensor(shape: [samples] + network.architecture.inputShape, scalars: inputs), targets)
    }

    /// The largest relative error `|a − n| / max(|a|, |n|, floor)` between the analytic gradient of
    /// every parameter and of the inputs and central differences with step `h`.
    ///
    /// With h = 1e-6 in Double the truncation error is O(h²) ≈ 1e-12 and the rounding error of a
    /// central difference about ε·|loss|/h ≈ 1e-10 for a loss near 1. A correct backward pass is
    /// then far below 1e-6 relative error wherever the gradient is larger than 1e-4; below that,
    /// the floor compares at 1e-6 · 1e-4 = 1e-10 absolute, the rounding error itself.
    ///
    /// With `training` the losses are those of training-mode forward passes, taken from full
    /// steps since ``Network/loss(inputs:targets:)`` evaluates; those steps move batchnorm's
    /// running statistics, which a training-mode loss never reads. Dropout must repeat its mask.
    /// Without `perturbingInputs` (token indices), only the parameters are compared.
    static func worstRelativeError(
        _ network: Network<Double>, inputs: Tensor<Double>, targets: Tensor<Double>, training: Bool = false,
        h: Double = 1e-6, floor: Double = 1e-4, perturbingInputs: Bool = true,
        corrupt: (inout [(name: String, value: Tensor<Double>)]) -> Void = { _ in }
    ) -> (error: Double, at: String) {
        func loss(_ inputs: Tensor<Double>) -> Double {
            training
                ? network.gradients(inputs: inputs, targets: targets, training: true).loss
                : network.loss(inputs: inputs, targets: targets)
        }
        let (_, inputGradient) = network.gradients(inputs: inputs, targets: targets, training: training)
        var analytic = network.gradients
        corrupt(&analytic)
        var worst = (error: 0.0, at: "")
        func record(_ a: Double, _ n: Double, _ place: String) {
            let error = abs(a - n) / max(abs(a), abs(n), floor)
            if error > worst.error { worst = (error, place + "") }
        }
        for (name, gradient) in analytic {
            let original = network.parameters.first { $0.name == name }!.value
            for i in 0..<original.count {
                var plus = original, minus = original
                plus.scalars[i] += h
                minus.scalars[i] -= h
                try! network.setParameters([name: plus])
                let up = loss(inputs)
                try! network.setParameters([name: minus])
                let down = loss(inputs)
                try! network.setParameters([name: original])
                record(gradient.scalars[i], (up - down) / (2 * h), "\(name)[\(i)]")
            }
        }
        for i in 0..<(perturbingInputs ? inputs.count : 0) {
            var plus = inputs, minus = inputs
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let n = (loss(plus) - loss(minus)) / (2 * h)
            record(inputGradient.scalars[i], n, "input[\(i)]")
        }
        return worst
    }

    /// The step for networks on images. Their losses are larger (2 to 10 in these tests), so the
    /// rounding error of a central difference, ε·|loss|/h, reaches 1e-6 relative on gradients near
    /// the floor with h = 1e-6 (measured: 3.9e-6 behind an overlapping max pool with a loss of 10).
    /// A step of 1e-5 divides it by ten while the truncation error, O(h²), stays near 1e-10
    /// (measured worst over the image checks: 2.7e-7).
    static let imageStep = 1e-5

    /// Builds a Double network from a one-line spec; `outputs` `nil` accepts any output shape.
    static func network(
        _ spec: String, input: [Int], outputs: Int?, loss: Loss = .mse, seed: UInt64 = 3, threads: Int = 1
    ) throws -> Network<Double> {
        let resolved = try ArchitectureSpec(parsing: spec).resolve(inputShape: input, outputWidth: outputs)
        return Network<Double>(resolved, loss: loss, seed: seed, threads: threads)
    }
}
