import RealModule

/// A scalar type the engine computes in: `Float` for training, `Double` for checking.
///
/// The engine's layers are generic over their scalar, and every loop over the values of a batch
/// is a *kernel*: a requirement of this protocol with one generic default implementation, written
/// once for both types (in the file of the layer, loss or optimizer that uses it). Declaring the
/// kernels as requirements is what makes them fast: the conformances of `Float` and `Double` make
/// the compiler specialise each kernel for each type inside this module, so the loops run at full
/// speed even when the generic layers that call them run unspecialised, as they do when they are
/// used from another module. (Measured on this project's machine: the same loop ran 80× slower as
/// plain generic code called across a module boundary than behind a protocol requirement.)
///
/// Two kernels are C instead, with an AVX2 version chosen at run time (`Sources/CKernels`): the
/// matrix product, and Adam's update, whose √ and ÷ per value the baseline x86-64 code that Swift
/// compiles (no unsafe flags) could not vectorise wider than four lanes. Their Float and Double
/// conformances call the C functions; the C code rounds every operation as the formula is written
/// (no contraction into FMAs), so the results are those of the plain loop.
///
/// The kernels work on raw pointers and are meant for the engine's layers, not for direct use.
public protocol EngineScalar: GEMMScalar, Real, Hashable, Codable, LosslessStringConvertible {
    // MARK: Activations (Layers/Activation.swift)

    /// Writes `f(input[i])` to `output[i]` for `count` values.
    static func activate(
        _ function: ActivationFunction, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>, count: Int)

    /// Writes `outputGradient[i] · f'(input[i])` to `inputGradient[i]`; `output` holds `f(input)`.
    static func activationGradient(
        _ function: ActivationFunction, input: UnsafePointer<Self>, output: UnsafePointer<Self>,
        outputGradient: UnsafePointer<Self>, inputGradient: UnsafeMutablePointer<Self>, count: Int)

    // MARK: Dense (Layers/Dense.swift)

    /// Adds `vector[j]` to `matrix[i, j]` for every row `i` of a `rows × columns` matrix.
    static func addToEveryRow(
        _ vector: UnsafePointer<Self>, matrix: UnsafeMutablePointer<Self>, rows: Int, columns: Int)

    /// Writes the column sums of a `rows × columns` matrix to `sums`, adding rows in order.
    static func sumRows(
        _ matrix: UnsafePointer<Self>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Self>)

    // MARK: Losses (Losses/LossFunction.swift)

    /// The mean loss of a batch and, when `gradient` is given, its gradient with respect to the
    /// predictions, exactly as `PROTOCOL.md` defines each loss.
    ///
    /// - Parameters:
    ///   - loss: Which loss.
    ///   - predictions: `samples × width` raw outputs of the model.
    ///   - targets: `samples × width` targets for `mse` and `bce_logits`; `samples` class indices for
    ///     `softmax_ce` (then `width` is the number of classes).
    ///   - samples: The number of samples.
    ///   - width: The number of outputs per sample.
    ///   - gradient: Where to write d loss / d prediction, or `nil`.
    static func loss(
        _ loss: Loss, predictions: UnsafePointer<Self>, targets: UnsafePointer<Self>, samples: Int, width: Int,
        gradient: UnsafeMutablePointer<Self>?) -> Self

    // MARK: Optimizers (Optimizers/SGD.swift, Adam.swift, RMSprop.swift)

    /// One `torch.optim.SGD` step (dampening 0) on `count` values: `g = gradient + weightDecay·p`;
    /// with a momentum buffer `b = (firstStep ? g : momentum·b + g)` and
    /// `g = nesterov ? g + momentum·b : b`; then `p −= learningRate·g`. The gradient is not changed.
    static func sgdStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, momentumBuffer: UnsafeMutablePointer<Self>?,
        count: Int, learningRate: Double, momentum: Double, nesterov: Bool, weightDecay: Double, firstStep: Bool)

    /// One `torch.optim.Adam`/`AdamW` step on `count` values: `g = gradient + weightDecay·p`,
    /// `m = β1·m + (1−β1)·g`, `v = β2·v + (1−β2)·g²`,
    /// `p = shrink·p − stepSize · m / (√v / secondMomentCorrection + eps)`, where the caller folds
    /// the bias corrections into `stepSize = lr/(1−β1^t)` and `secondMomentCorrection = √(1−β2^t)`,
    /// and passes `shrink = 1 − lr·wd` for AdamW's decoupled decay (then `weightDecay` 0), 1 for Adam.
    /// `kernel` picks the C implementation (`.portable` lets tests run the fallback on any CPU).
    static func adamStep(
        kernel: GEMMKernel, parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, firstMoment: UnsafeMutablePointer<Self>,
        secondMoment: UnsafeMutablePointer<Self>, count: Int, stepSize: Double, secondMomentCorrection: Double,
        beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, shrink: Double)

    /// One `torch.optim.RMSprop` step on `count` values: `g = gradient + weightDecay·p`,
    /// `sq = α·sq + (1−α)·g²`; centered when `gradientAverage` is given: `ga = α·ga + (1−α)·g` and
    /// `avg = √(sq − ga²) + eps`, else `avg = √sq + eps`; with a momentum buffer
    /// `buf = momentum·buf + g/avg` and `p −= lr·buf`, else `p −= lr·g/avg`.
    static func rmspropStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, squareAverage: UnsafeMutablePointer<Self>,
        gradientAverage: UnsafeMutablePointer<Self>?, momentumBuffer: UnsafeMutablePointer<Self>?, count: Int,
        learningRate: Double, alpha: Double, epsilon: Double, momentum: Double, weightDecay: Double)

    // MARK: Vectors (Core/VectorKernels.swift)

    /// The sum of the squares of `count` values, accumulated in order.
    static func sumOfSquares(_ values: UnsafePointer<Self>, count: Int) -> Self

    /// Multiplies `count` values by `factor` in place.
    static func scale(_ values: UnsafeMutablePointer<Self>, count: Int, by factor: Self)

    /// Clamps `count` values to `-limit...limit` in place.
    static func clamp(_ values: UnsafeMutablePointer<Self>, count: Int, limit: Self)

    /// Writes `a[i] · b[i]` to `result[i]`.
    static func multiply(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into result: UnsafeMutablePointer<Self>, count: Int)

    /// Whether every one of `count` values is finite.
    static func allFinite(_ values: UnsafePointer<Self>, count: Int) -> Bool

    /// The number of samples whose prediction is right: for one output, the sign of the logit
    /// against a 0/1 target; for several, the arg-max against a class index.
    static func correctPredictions(
        _ outputs: UnsafePointer<Self>, targets: UnsafePointer<Self>, samples: Int, width: Int) -> Int

    // MARK: Convolution (Layers/Conv2D.swift)

    /// Writes the windows of a `channels`-plane image as the columns of a `[channels·k·k, windows]`
    /// matrix: row `(c·k + i)·k + j` holds, for each window, its value at `(i, j)` in plane `c`,
    /// or 0 where the window lies on the padding.
    static func im2col(
        _ image: UnsafePointer<Self>, channels: Int, window: SlidingWindow, columns: UnsafeMutablePointer<Self>)

    /// The adjoint of ``im2col(_:channels:window:columns:)``: overwrites `image` with the sum, at
    /// each position, of the column entries read from it, adding in a fixed order.
    static func col2im(
        _ columns: UnsafePointer<Self>, channels: Int, window: SlidingWindow, image: UnsafeMutablePointer<Self>)

    /// Adds `vector[c]` to each of the `spatial` values of channel `c` of every sample.
    static func addPerChannel(
        _ vector: UnsafePointer<Self>, to values: UnsafeMutablePointer<Self>, samples: Int, channels: Int, spatial: Int)

    /// Writes the sum of each channel's values over samples and space to `sums`, sample after sample.
    static func sumPerChannel(
        _ values: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, into sums: UnsafeMutablePointer<Self>)

    // MARK: Pooling (Layers/Pooling.swift)

    /// Writes the maximum of each window of `planes` planes, and its position within its plane to
    /// `argmax`; the first of equal maxima wins, and NaN wins, as in PyTorch's CPU kernel.
    static func maxPool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>,
        argmax: UnsafeMutablePointer<Int32>)

    /// Overwrites `inputGradient` with each output's gradient added at its window's `argmax`.
    static func maxPoolGradient(
        _ outputGradient: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>)

    /// Writes the mean of each window of `planes` planes: its sum divided by `size²`.
    static func averagePool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>)

    /// Overwrites `inputGradient` with each output's gradient divided by `size²` added over its window.
    static func averagePoolGradient(
        _ outputGradient: UnsafePointer<Self>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>)

    // MARK: Batch normalisation (Layers/BatchNorm.swift)

    /// Writes each channel's mean over samples and space, and the sum of the squared deviations
    /// from it, Σ(x − μ)².
    static func channelStatistics(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafeMutablePointer<Self>,
        squaredDeviations: UnsafeMutablePointer<Self>)

    /// Writes `x̂ = (x − mean[c])·inverseDeviation[c]` to `normalized` and `weight[c]·x̂ + bias[c]`
    /// to `output`.
    static func batchNormalize(
        _ input: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, mean: UnsafePointer<Self>,
        inverseDeviation: UnsafePointer<Self>, weight: UnsafePointer<Self>, bias: UnsafePointer<Self>,
        normalized: UnsafeMutablePointer<Self>, output: UnsafeMutablePointer<Self>)

    /// Writes `Σ dy·x̂` and `Σ dy` per channel to the weight and bias gradients and, when
    /// `inputGradient` is given, dx: through the batch's mean and variance when
    /// `throughStatistics`, else for fixed (running) statistics.
    static func batchNormGradient(
        _ outputGradient: UnsafePointer<Self>, normalized: UnsafePointer<Self>, samples: Int, channels: Int,
        spatial: Int, weight: UnsafePointer<Self>, inverseDeviation: UnsafePointer<Self>, throughStatistics: Bool,
        weightGradient: UnsafeMutablePointer<Self>, biasGradient: UnsafeMutablePointer<Self>,
        inputGradient: UnsafeMutablePointer<Self>?)

    // MARK: Dropout (Layers/Dropout.swift)

    /// Writes `count` mask values from `RandomStream(key: key, index: index)`, one uniform `u` per
    /// value in order: `1 / (1 − rate)` where `u ≥ rate`, else 0.
    static func dropoutMask(_ mask: UnsafeMutablePointer<Self>, count: Int, rate: Double, key: UInt64, index: UInt64)
}

extension Float: EngineScalar {}
extension Double: EngineScalar {}
