import NNBenchDatasets

/// Inverted dropout: in training each value is kept with probability `1 − rate` and scaled by
/// `1 / (1 − rate)`, so that its expectation is unchanged; in evaluation the layer is the identity.
///
/// Training forward number `t` (from 0) draws its mask from `RandomStream(key: key, index: t)`,
/// one uniform `u` per value in order, keeping the value iff `u ≥ rate`: the masks depend only on
/// the seed, the layer and the step, never on threads or timing. A mask can also be given
/// (``replayedMask``): another implementation's, so that both compute the same function.
package final class DropoutLayer<Scalar: EngineScalar>: Layer, DropoutMasking {
    package let rate: Double
    package let key: UInt64
    package var computesInputGradient = true
    /// The mask training forwards use instead of drawing one, while set: multipliers 0 or
    /// `1 / (1 − rate)`, one per value of the batch.
    package var replayedMask: [Scalar]?
    private var masksDrawn: UInt64 = 0
    private var trainedLast = false
    private var input: Batch<Scalar>?
    /// `1 / (1 − rate)` for a kept value and 0 for a dropped one.
    private let mask = Buffer<Scalar>()
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    package init(rate: Double, key: UInt64) {
        self.rate = rate
        self.key = key
    }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        trainedLast = training
        guard training else { return input }
        if let replayedMask {
            precondition(replayedMask.count == input.size, "dropout: a replayed mask needs a batch of its size")
            mask.assign(replayedMask)
        } else {
            mask.resize(input.size)
            Scalar._dropoutMask(mask.pointer, count: input.size, rate: rate, key: key, index: masksDrawn)
            masksDrawn += 1
        }
        output.resize(input.size)
        Scalar._multiply(input.pointer, mask.pointer, into: output.pointer, count: input.size)
        return Batch(count: input.count, shape: input.shape, pointer: output.pointer)
    }

    /// The mask of the last training forward: multipliers 0 or `1 / (1 − rate)`.
    package var lastMask: [Scalar] { mask.array }

    package var dropout: (any DropoutMasking<Scalar>)? { self }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard trainedLast else { return outputGradient }
        guard let input else { preconditionFailure("backward before forward") }
        inputGradient.resize(input.size)
        if computesInputGradient {
            Scalar._multiply(outputGradient.pointer, mask.pointer, into: inputGradient.pointer, count: input.size)
        }
        return Batch(count: input.count, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// Dropout's kernel.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _DropoutKernels {
    /// Writes `count` mask values from `RandomStream(key: key, index: index)`, one uniform `u` per
    /// value in order: `1 / (1 − rate)` where `u ≥ rate`, else 0.
    static func _dropoutMask(_ mask: UnsafeMutablePointer<Self>, count: Int, rate: Double, key: UInt64, index: UInt64)
}

extension EngineScalar {
    public static func _dropoutMask(
        _ mask: UnsafeMutablePointer<Self>, count: Int, rate: Double, key: UInt64, index: UInt64
    ) {
        let kept = Self(1 / (1 - rate))
        var stream = RandomStream(key: key, index: index)
        for i in 0..<count { mask[i] = stream.uniform() >= rate ? kept : 0 }
    }
}
