import CKernels
import RealModule

/// Adam as `torch.optim.Adam` (L2 weight decay, amsgrad off), or AdamW as `torch.optim.AdamW`
/// (decoupled weight decay), per value at step `t`:
///
///     p -= lr·wd·p                        (AdamW only, computed as p·(1 − lr·wd))
///     g += wd·p                           (Adam only)
///     m  = β1·m + (1−β1)·g
///     v  = β2·v + (1−β2)·g²
///     p -= lr · (m/(1−β1^t)) / (√(v/(1−β2^t)) + eps)
final class Adam<Scalar: EngineScalar>: UpdateRule {
    private let parameters: [Parameter<Scalar>]
    private let beta1: Double
    private let beta2: Double
    private let epsilon: Double
    private let weightDecay: Double
    /// Whether the weight decay shrinks the parameters (AdamW) instead of adding to the gradient (Adam).
    private let decoupled: Bool
    /// The running means of the gradients (`m`), one buffer per parameter.
    private let firstMoments: [Buffer<Scalar>]
    /// The running means of the squared gradients (`v`), one buffer per parameter.
    private let secondMoments: [Buffer<Scalar>]

    init(parameters: [Parameter<Scalar>], beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = parameters.map { Buffer(count: $0.count) }
        secondMoments = parameters.map { Buffer(count: $0.count) }
    }

    func update(step: Int, learningRate: Double) {
        // As PyTorch: the bias corrections in Double, folded into the step size and the divisor of √v.
        let t = Double(step)
        let stepSize = learningRate / (1 - .pow(beta1, t))
        let secondMomentCorrection = (1 - .pow(beta2, t)).squareRoot()
        let shrink = decoupled ? 1 - learningRate * weightDecay : 1
        // By index: `enumerated()` looked up its generic sequence's metadata at run time on
        // every step (perf: about 1 % of a small MLP's step).
        for index in parameters.indices {
            let parameter = parameters[index]
            Scalar._adamStep(
                kernel: .automatic,
                parameter: parameter.value.pointer, gradient: parameter.gradient.pointer,
                firstMoment: firstMoments[index].pointer, secondMoment: secondMoments[index].pointer,
                count: parameter.count, stepSize: stepSize, secondMomentCorrection: secondMomentCorrection,
                beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decoupled ? 0 : weightDecay, shrink: shrink)
        }
    }

    func reset() {
        firstMoments.forEach { $0.zero() }
        secondMoments.forEach { $0.zero() }
    }
}

/// The Adam and AdamW update's kernel.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _AdamKernels {
    /// One `torch.optim.Adam`/`AdamW` step on `count` values: `g = gradient + weightDecay·p`,
    /// `m = β1·m + (1−β1)·g`, `v = β2·v + (1−β2)·g²`,
    /// `p = shrink·p − stepSize · m / (√v / secondMomentCorrection + eps)`, where the caller folds
    /// the bias corrections into `stepSize = lr/(1−β1^t)` and `secondMomentCorrection = √(1−β2^t)`,
    /// and passes `shrink = 1 − lr·wd` for AdamW's decoupled decay (then `weightDecay` 0), 1 for Adam.
    /// `kernel` picks the C implementation (`.portable` lets tests run the fallback on any CPU).
    static func _adamStep(
        kernel: GEMMKernel, parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, firstMoment: UnsafeMutablePointer<Self>,
        secondMoment: UnsafeMutablePointer<Self>, count: Int, stepSize: Double, secondMomentCorrection: Double,
        beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, shrink: Double)
}

// The kernel is one C function per precision (`nnb_sadam_step_using`, `nnb_dadam_step_using`)
// rather than a generic default: the C code runs AVX2-wide when the CPU allows, which the engine's
// baseline-x86-64 Swift code cannot. Both compute each value with the same rounded operations as a
// scalar loop, so the bits do not depend on the kernel.
extension Float {
    public static func _adamStep(
        kernel: GEMMKernel, parameter p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>, count: Int,
        stepSize: Double, secondMomentCorrection: Double, beta1: Double, beta2: Double, epsilon: Double,
        weightDecay: Double, shrink: Double
    ) {
        nnb_sadam_step_using(
            kernel.cValue, p, gradient, m, v, count, Float(stepSize), Float(secondMomentCorrection), Float(beta1),
            Float(1 - beta1), Float(beta2), Float(1 - beta2), Float(epsilon), Float(weightDecay), Float(shrink))
    }
}

extension Double {
    public static func _adamStep(
        kernel: GEMMKernel, parameter p: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>,
        firstMoment m: UnsafeMutablePointer<Double>, secondMoment v: UnsafeMutablePointer<Double>, count: Int,
        stepSize: Double, secondMomentCorrection: Double, beta1: Double, beta2: Double, epsilon: Double,
        weightDecay: Double, shrink: Double
    ) {
        nnb_dadam_step_using(
            kernel.cValue, p, gradient, m, v, count, stepSize, secondMomentCorrection, beta1, 1 - beta1, beta2,
            1 - beta2, epsilon, weightDecay, shrink)
    }
}
