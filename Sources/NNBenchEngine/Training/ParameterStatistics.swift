/// One parameter tensor's health after an epoch: how large its weights are, how large the last
/// step's gradient was, and how far that step moved it.
///
/// A vanishing gradient norm, an exploding weight norm or an update ratio far from ~1e-3 (the
/// usual rule of thumb for a healthy step) show a problem long before the metrics do.
public struct ParameterStatistics: Sendable, Hashable, Codable {
    /// The tensor's name, as the model protocol (`docs/protocol.md`) names it: `"0.weight"`.
    public var name: String
    /// The L2 norm of the weights at the end of the epoch.
    public var weightNorm: Double
    /// The L2 norm of the gradient of the epoch's last step (after clipping); `nil` before training.
    public var gradientNorm: Double?
    /// `‖w_after − w_before‖ / ‖w_before‖` over the epoch's last step; `nil` before training, and
    /// `nil` when the weights were all zero before the step.
    public var updateRatio: Double?
    /// The gradient's L2 norm (after clipping) averaged over every step of the epoch; measured
    /// only when the run is observed (``TrainingObservation``), `nil` otherwise and before training.
    public var meanGradientNorm: Double?
    /// The weights' histogram, at an observed run's histogram epochs.
    public var weightHistogram: Histogram?
    /// The histogram of the epoch's last step's gradient (after clipping), at an observed run's
    /// histogram epochs after the first.
    public var gradientHistogram: Histogram?

    /// Creates the statistics of one tensor.
    ///
    /// - Parameters:
    ///   - name: The tensor's name.
    ///   - weightNorm: The L2 norm of its weights.
    ///   - gradientNorm: The L2 norm of the last step's gradient.
    ///   - updateRatio: The norm of the last step's update over the norm of the weights before it.
    public init(name: String, weightNorm: Double, gradientNorm: Double? = nil, updateRatio: Double? = nil) {
        self.name = name
        self.weightNorm = weightNorm
        self.gradientNorm = gradientNorm
        self.updateRatio = updateRatio
    }
}

/// Measures ``ParameterStatistics``: ``beforeStep()`` just before an optimizer step keeps a copy
/// of the weights and the gradient's norm, ``statistics()`` after it compares. The copies live in
/// buffers allocated once, so a training loop pays one copy of its parameters per epoch.
final class ParameterStatisticsProbe<Scalar: EngineScalar> {
    private let parameters: [Parameter<Scalar>]
    private let previous: [Buffer<Scalar>]
    private var gradientNorms: [Double]?

    init(_ parameters: [Parameter<Scalar>]) {
        self.parameters = parameters
        previous = parameters.map { Buffer(count: $0.count) }
    }

    /// Keeps the weights and the gradient norms of the step about to be taken.
    func beforeStep() {
        for (parameter, copy) in zip(parameters, previous) {
            copy.pointer.update(from: parameter.value.pointer, count: parameter.count)
        }
        gradientNorms = parameters.map { Scalar._sumOfSquaresInDouble($0.gradient.pointer, count: $0.count).squareRoot() }
    }

    /// Every tensor's statistics; the gradient and update fields are `nil` until ``beforeStep()``
    /// has been called.
    func statistics() -> [ParameterStatistics] {
        parameters.indices.map { index in
            let parameter = parameters[index]
            let after = Scalar.doubles(parameter.value.pointer, count: parameter.count)
            let weightNorm = Self.norm(after)
            guard let gradientNorms else { return ParameterStatistics(name: parameter.name, weightNorm: weightNorm) }
            let before = Scalar.doubles(previous[index].pointer, count: parameter.count)
            var update = 0.0
            for i in 0..<parameter.count {
                let difference = after[i] - before[i]
                update += difference * difference
            }
            let beforeNorm = Self.norm(before)
            return ParameterStatistics(
                name: parameter.name, weightNorm: weightNorm, gradientNorm: gradientNorms[index],
                updateRatio: beforeNorm > 0 ? update.squareRoot() / beforeNorm : nil)
        }
    }

    /// The L2 norm, summed in Double in index order so that it is the same on every run.
    static func norm(_ values: [Double]) -> Double {
        var sum = 0.0
        for x in values { sum += x * x }
        return sum.squareRoot()
    }
}
