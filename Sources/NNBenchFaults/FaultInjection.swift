import NNBenchDatasets
import NNBenchEngine
import RealModule

/// A ``Fault`` made inside a network: its layers wrapped (``FaultyLayer``), its initial weights
/// corrupted, its loss replaced, its training labels shuffled apart from their inputs or its
/// training inputs replaced, as the fault says. The engine's ``Network`` consults it through the `NetworkModifier` hook and
/// carries no code of its own for any bug.
package final class FaultInjection<Scalar: EngineScalar>: NetworkModifier {
    package let fault: Fault
    /// The network's layers, for faults that depend on a layer's spec (the LSTM's `forget_bias`).
    private let architecture: ResolvedArchitecture?
    /// Training steps taken so far, to shuffle labels differently at every step.
    private var trainingSteps = 0
    private let shuffledTargets = Buffer<Scalar>()
    /// The inputs a faulty training step runs on instead of its own: zeros, or the first step's.
    private let replacedInputs = Buffer<Scalar>()
    /// The previous training step's inputs, `previousInputs.count / width` samples.
    private let previousInputs = Buffer<Scalar>()

    package init(_ fault: Fault, architecture: ResolvedArchitecture? = nil) {
        self.fault = fault
        self.architecture = architecture
    }

    package func layer(replacing layer: any Layer<Scalar>) -> (any Layer<Scalar>)? {
        FaultyLayer.wrap(layer, fault: fault)
    }

    /// Writes each LSTM's `forget_bias` into the forget block `units..<2·units` of its `bias_hh`
    /// too, where the spec sets it to 0 (``Fault/lstmForgetBiasInBothBiases``).
    private func doubleForgetBiases(_ parameters: [Parameter<Scalar>]) {
        for layer in architecture?.layers ?? [] {
            guard case .lstm(let units, _, true, let forgetBias?) = layer.spec,
                  let bias = parameters.first(where: { $0.name == "\(layer.index).bias_hh" }) else { continue }
            (bias.value.pointer + units).update(repeating: Scalar(forgetBias), count: units)
        }
    }

    /// Whether the fault changes the loss or its gradient.
    private var changesLoss: Bool {
        [.lossSumNotMean, .softmaxWithoutMax, .softmaxCrossEntropyGradientWrongSign, .bceUnstable, .mseGradientMissingFactor2]
            .contains(fault)
    }

    /// Overwrites the initial dense and conv weights (rank ≥ 2) as the fault says, or an LSTM's
    /// `bias_hh` forget block.
    package func initialised(_ parameters: [Parameter<Scalar>]) {
        if fault == .lstmForgetBiasInBothBiases {
            doubleForgetBiases(parameters)
            return
        }
        for parameter in parameters where parameter.shape.count >= 2 {
            let values = parameter.value
            switch fault {
            case .initZeros: values.pointer.update(repeating: 0, count: values.count)
            case .initConstant: values.pointer.update(repeating: Scalar(0.1), count: values.count)
            case .initScaleTimes10: Scalar._scale(values.pointer, count: values.count, by: 10)
            default: return
            }
        }
    }

    /// The loss of a batch, and its gradient when asked, with the fault's mistake; `nil` when the
    /// fault leaves the loss alone.
    package func loss(
        _ loss: Loss, predictions z: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, samples: Int, width: Int,
        gradient: UnsafeMutablePointer<Scalar>?
    ) -> Scalar? {
        guard changesLoss else { return nil }
        switch (fault, loss) {
        case (.softmaxWithoutMax, .softmaxCrossEntropy):
            return Self.naiveSoftmaxCrossEntropy(z, labels: y, samples: samples, classes: width, gradient: gradient)
        case (.bceUnstable, .bceLogits):
            return Self.naiveBinaryCrossEntropy(z, y, count: samples * width, gradient: gradient)
        default:
            break
        }
        let value = Scalar._loss(loss, predictions: z, targets: y, samples: samples, width: width, gradient: gradient)
        switch fault {
        case .lossSumNotMean:
            let terms = Scalar(loss == .softmaxCrossEntropy ? samples : samples * width)
            if let gradient { Scalar._scale(gradient, count: samples * width, by: terms) }
            return value * terms
        case .mseGradientMissingFactor2 where loss == .mse:
            if let gradient { Scalar._scale(gradient, count: samples * width, by: 1 / 2) }
            return value
        case .softmaxCrossEntropyGradientWrongSign where loss == .softmaxCrossEntropy:
            if let gradient { Scalar._scale(gradient, count: samples * width, by: -1) }
            return value
        default:
            return value
        }
    }

    /// The targets of a training step: unchanged, or, for ``Fault/labelsShuffledSeparately``,
    /// rotated within the batch by an amount that changes from step to step.
    package func trainingTargets(_ targets: UnsafePointer<Scalar>, samples: Int, width: Int) -> UnsafePointer<Scalar> {
        guard fault == .labelsShuffledSeparately, samples > 1 else { return targets }
        trainingSteps += 1
        let shift = 1 + trainingSteps % (samples - 1)
        shuffledTargets.resize(samples * width)
        for i in 0..<samples {
            (shuffledTargets.pointer + i * width).update(from: targets + (i + shift) % samples * width, count: width)
        }
        return UnsafePointer(shuffledTargets.pointer)
    }

    /// The inputs of a training step: unchanged, zeros (``Fault/trainingInputsZeroed``), or the
    /// previous training step's inputs, sample `i` from its sample `i mod n` when batches differ in
    /// size (``Fault/trainingInputsOneBatchLate``; the first step keeps its own).
    package func trainingInputs(_ inputs: UnsafeMutablePointer<Scalar>, samples: Int, width: Int) -> UnsafeMutablePointer<Scalar> {
        let count = samples * width
        switch fault {
        case .trainingInputsZeroed:
            replacedInputs.resize(count)
            replacedInputs.pointer.update(repeating: 0, count: count)
        case .trainingInputsOneBatchLate:
            let previous = previousInputs.count / Swift.max(width, 1)
            replacedInputs.resize(count)
            for i in 0..<samples {
                (replacedInputs.pointer + i * width).update(from: previous > 0 ? previousInputs.pointer + i % previous * width : inputs + i * width, count: width)
            }
            previousInputs.resize(count)
            previousInputs.pointer.update(from: inputs, count: count)
        default:
            return inputs
        }
        return replacedInputs.pointer
    }

    /// `(1/n) Σ ln Σ_j e^{z_j} − z_label` with `e^z` taken as is: it overflows for large logits.
    private static func naiveSoftmaxCrossEntropy(
        _ z: UnsafePointer<Scalar>, labels: UnsafePointer<Scalar>, samples: Int, classes: Int,
        gradient: UnsafeMutablePointer<Scalar>?
    ) -> Scalar {
        var sum: Scalar = 0
        for i in 0..<samples {
            let row = z + i * classes, label = Int(labels[i])
            var total: Scalar = 0
            for j in 0..<classes { total += Scalar.exp(row[j]) }
            sum -= Scalar.log(Scalar.exp(row[label]) / total)
            if let gradient {
                for j in 0..<classes { gradient[i * classes + j] = Scalar.exp(row[j]) / total / Scalar(samples) }
                gradient[i * classes + label] -= 1 / Scalar(samples)
            }
        }
        return sum / Scalar(samples)
    }

    /// `−y ln σ(z) − (1−y) ln(1 − σ(z))` with σ rounded to 0 or 1 for large |z|: infinite there.
    private static func naiveBinaryCrossEntropy(
        _ z: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, count: Int, gradient: UnsafeMutablePointer<Scalar>?
    ) -> Scalar {
        var sum: Scalar = 0
        for i in 0..<count {
            let p = 1 / (1 + Scalar.exp(-z[i]))
            sum -= y[i] * Scalar.log(p) + (1 - y[i]) * Scalar.log(1 - p)
            gradient?[i] = (p - y[i]) / Scalar(count)
        }
        return sum / Scalar(count)
    }
}
