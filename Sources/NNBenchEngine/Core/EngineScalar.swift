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
    static func adamStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, firstMoment: UnsafeMutablePointer<Self>,
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
}

extension Float: EngineScalar {}
extension Double: EngineScalar {}
