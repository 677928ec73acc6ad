/// Batch normalisation as PyTorch's BatchNorm1d (each feature of `[f]` inputs, over the batch) and
/// BatchNorm2d (each channel of `[c, h, w]` inputs, over the batch and the plane).
///
/// Training normalises with the batch's mean and biased variance and moves the running statistics
/// towards the batch's (the variance unbiased); evaluation normalises with the running statistics
/// and leaves them alone. Both share one layout: `samples × channels × spatial` values, with
/// `spatial` 1 for flat inputs.
package final class BatchNormLayer<Scalar: EngineScalar>: Layer {
    package let channels: Int
    package let spatial: Int
    package let momentum: Scalar
    package let epsilon: Scalar
    package let weight: Parameter<Scalar>
    package let bias: Parameter<Scalar>
    package let runningMean: Parameter<Scalar>
    package let runningVariance: Parameter<Scalar>
    package var computesInputGradient = true
    private var input: Batch<Scalar>?
    /// Whether the last forward pass used the batch's statistics, so its backward goes through them.
    private var trainedOnBatch = false
    /// The mean and `1 / √(σ² + ε)` of each channel in the last forward pass.
    private let mean: Buffer<Scalar>
    private let inverseDeviation: Buffer<Scalar>
    /// `x̂ = (x − μ) / √(σ² + ε)` of the last forward pass.
    private let normalized = Buffer<Scalar>()
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    package init(index: Int, shape: [Int], momentum: Double, epsilon: Double) {
        channels = shape[0]
        spatial = shape.dropFirst().reduce(1, *)
        self.momentum = Scalar(momentum)
        self.epsilon = Scalar(epsilon)
        weight = Parameter(name: "\(index).weight", shape: [channels])
        bias = Parameter(name: "\(index).bias", shape: [channels])
        runningMean = Parameter(name: "\(index).running_mean", shape: [channels])
        runningVariance = Parameter(name: "\(index).running_var", shape: [channels])
        mean = Buffer(count: channels)
        inverseDeviation = Buffer(count: channels)
    }

    package var parameters: [Parameter<Scalar>] { [weight, bias] }
    package var state: [Parameter<Scalar>] { [runningMean, runningVariance] }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        trainedOnBatch = training
        let (mu, invstd) = (mean.pointer, inverseDeviation.pointer)
        let (runningMu, runningSigma2) = (runningMean.value.pointer, runningVariance.value.pointer)
        if training {
            let values = input.count * spatial
            precondition(values > 1, "batchnorm needs more than one value per channel in training, as PyTorch does")
            // The kernel leaves Σ(x − μ)² in `invstd`, from which both variances follow.
            Scalar._channelStatistics(
                input.pointer, samples: input.count, channels: channels, spatial: spatial, mean: mu,
                squaredDeviations: invstd)
            for c in 0..<channels {
                let biased = invstd[c] / Scalar(values), unbiased = invstd[c] / Scalar(values - 1)
                runningMu[c] = momentum * mu[c] + (1 - momentum) * runningMu[c]
                runningSigma2[c] = momentum * unbiased + (1 - momentum) * runningSigma2[c]
                invstd[c] = 1 / (biased + epsilon).squareRoot()
            }
        } else {
            for c in 0..<channels {
                mu[c] = runningMu[c]
                invstd[c] = 1 / (runningSigma2[c] + epsilon).squareRoot()
            }
        }
        normalized.resize(input.size)
        output.resize(input.size)
        Scalar._batchNormalize(
            input.pointer, samples: input.count, channels: channels, spatial: spatial, mean: mu,
            inverseDeviation: invstd, weight: weight.value.pointer, bias: bias.value.pointer,
            normalized: normalized.pointer, output: output.pointer)
        return Batch(count: input.count, shape: input.shape, pointer: output.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        inputGradient.resize(input.size)
        Scalar._batchNormGradient(
            outputGradient.pointer, normalized: normalized.pointer, samples: input.count, channels: channels,
            spatial: spatial, weight: weight.value.pointer, inverseDeviation: inverseDeviation.pointer,
            throughStatistics: trainedOnBatch, weightGradient: weight.gradient.pointer,
            biasGradient: bias.gradient.pointer, inputGradient: computesInputGradient ? inputGradient.pointer : nil)
        return Batch(count: input.count, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// Batch normalisation's kernels.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _BatchNormKernels {
    /// Writes each channel's mean over samples and space, and the sum of the squared deviations
    /// from it, Σ(x − μ)².
    static func _channelStatistics(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafeMutablePointer<Self>,
        squaredDeviations: UnsafeMutablePointer<Self>)

    /// Writes `x̂ = (x − mean[c])·inverseDeviation[c]` to `normalized` and `weight[c]·x̂ + bias[c]`
    /// to `output`.
    static func _batchNormalize(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafePointer<Self>,
        inverseDeviation: UnsafePointer<Self>, weight: UnsafePointer<Self>, bias: UnsafePointer<Self>,
        normalized: UnsafeMutablePointer<Self>, output: UnsafeMutablePointer<Self>)

    /// Writes `Σ dy·x̂` and `Σ dy` per channel to the weight and bias gradients and, when
    /// `inputGradient` is given, dx: through the batch's mean and variance when
    /// `throughStatistics`, else for fixed (running) statistics.
    static func _batchNormGradient(
        _ outputGradient: UnsafePointer<Self>, normalized: UnsafePointer<Self>, samples: Int, channels: Int,
        spatial: Int, weight: UnsafePointer<Self>, inverseDeviation: UnsafePointer<Self>, throughStatistics: Bool,
        weightGradient: UnsafeMutablePointer<Self>, biasGradient: UnsafeMutablePointer<Self>,
        inputGradient: UnsafeMutablePointer<Self>?)
}

extension EngineScalar {
    public static func _channelStatistics(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafeMutablePointer<Self>,
        squaredDeviations: UnsafeMutablePointer<Self>
    ) {
        // Two passes, the deviations from the finished mean, so that a large mean does not swamp
        // a small variance as it would in Σx² − N·μ².
        _sumPerChannel(input, samples: samples, channels: channels, spatial: spatial, into: mean)
        let values = Self(samples * spatial)
        for c in 0..<channels { mean[c] /= values }
        squaredDeviations.update(repeating: 0, count: channels)
        for s in 0..<samples {
            for c in 0..<channels {
                let (plane, mu) = (input + (s * channels + c) * spatial, mean[c])
                var sum = squaredDeviations[c]
                for i in 0..<spatial { sum += (plane[i] - mu) * (plane[i] - mu) }
                squaredDeviations[c] = sum
            }
        }
    }

    public static func _batchNormalize(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafePointer<Self>,
        inverseDeviation: UnsafePointer<Self>, weight: UnsafePointer<Self>, bias: UnsafePointer<Self>,
        normalized: UnsafeMutablePointer<Self>, output: UnsafeMutablePointer<Self>
    ) {
        for s in 0..<samples {
            for c in 0..<channels {
                let offset = (s * channels + c) * spatial
                let (x, xHat, y) = (input + offset, normalized + offset, output + offset)
                let (mu, invstd, gamma, beta) = (mean[c], inverseDeviation[c], weight[c], bias[c])
                for i in 0..<spatial {
                    xHat[i] = (x[i] - mu) * invstd
                    y[i] = gamma * xHat[i] + beta
                }
            }
        }
    }

    public static func _batchNormGradient(
        _ outputGradient: UnsafePointer<Self>, normalized: UnsafePointer<Self>, samples: Int, channels: Int,
        spatial: Int, weight: UnsafePointer<Self>, inverseDeviation: UnsafePointer<Self>, throughStatistics: Bool,
        weightGradient: UnsafeMutablePointer<Self>, biasGradient: UnsafeMutablePointer<Self>,
        inputGradient: UnsafeMutablePointer<Self>?
    ) {
        // dγ = Σ dy·x̂ and dβ = Σ dy, which are also the two sums the input gradient needs.
        _sumPerChannel(outputGradient, samples: samples, channels: channels, spatial: spatial, into: biasGradient)
        weightGradient.update(repeating: 0, count: channels)
        for s in 0..<samples {
            for c in 0..<channels {
                let offset = (s * channels + c) * spatial
                let (dy, xHat) = (outputGradient + offset, normalized + offset)
                var sum = weightGradient[c]
                for i in 0..<spatial { sum += dy[i] * xHat[i] }
                weightGradient[c] = sum
            }
        }
        guard let inputGradient else { return }
        let values = Self(samples * spatial)
        for s in 0..<samples {
            for c in 0..<channels {
                let offset = (s * channels + c) * spatial
                let (dy, xHat, dx) = (outputGradient + offset, normalized + offset, inputGradient + offset)
                let scale = weight[c] * inverseDeviation[c]
                if throughStatistics {
                    // x̂ depends on every x of the channel through μ and σ²:
                    // dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)).
                    let (perValue, sumDy, sumDyXHat) = (scale / values, biasGradient[c], weightGradient[c])
                    for i in 0..<spatial { dx[i] = perValue * (values * dy[i] - sumDy - xHat[i] * sumDyXHat) }
                } else {
                    for i in 0..<spatial { dx[i] = scale * dy[i] }
                }
            }
        }
    }
}
