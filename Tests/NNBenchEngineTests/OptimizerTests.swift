import Testing
@testable import NNBenchEngine

/// The optimizers against PyTorch's formulas re-derived here in Double, one value at a time
/// (``OptimizerReference``), over three steps with changing gradients and learning rates.
///
/// Tolerances: in Double the engine and the reference differ only in the order of a few
/// operations (e.g. `√(v/(1−β2^t))` against `√v/√(1−β2^t)`), a few ulps of values of order 1:
/// 1e-12. In Float the inputs and hyperparameters are rounded to 24 bits (relative 6e-8) and
/// every operation rounds again; over three steps of values of order 1 that stays well below 1e-6.
@Suite("Optimizers")
struct OptimizerTests {
    /// Three values, held as two parameters so that per-parameter state is exercised.
    static let start = [1, -2, 0.5]
    static let gradients = [[0.1, -0.3, 0.2], [0.2, 0.1, -0.4], [-0.05, 0.25, 0.3]]
    /// The schedule's rates: the optimizer must use these, not the spec's base rate.
    static let learningRates = [0.1, 0.05, 0.02]

    static let specs: [OptimizerSpec] = [
        .sgd(learningRate: 0.1),
        .sgd(learningRate: 0.1, weightDecay: 0.1),
        .sgd(learningRate: 0.1, momentum: 0.9),
        .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true),
        .sgd(learningRate: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.05),
        .adam(learningRate: 0.1),
        .adam(learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1),
        .adamW(learningRate: 0.1),
        .adamW(learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.1),
        .rmsprop(learningRate: 0.1),
        .rmsprop(learningRate: 0.1, alpha: 0.9, weightDecay: 0.1),
        .rmsprop(learningRate: 0.1, alpha: 0.9, centered: true),
        .rmsprop(learningRate: 0.1, alpha: 0.9, momentum: 0.8),
        .rmsprop(learningRate: 0.1, alpha: 0.9, epsilon: 1e-3, momentum: 0.8, weightDecay: 0.1, centered: true),
    ]

    @Test(arguments: specs)
    func matchesTheFormulas(spec: OptimizerSpec) {
        let expected = OptimizerReference.trajectory(spec, start: Self.start, gradients: Self.gradients, learningRates: Self.learningRates)
        for (scalar, tolerance) in [(Double.self as any EngineScalar.Type, 1e-12), (Float.self, 1e-6)] {
            let actual = trajectory(spec, as: scalar, start: Self.start, gradients: Self.gradients, learningRates: Self.learningRates)
            for step in 0..<3 {
                let error = zip(actual[step], expected[step]).map { abs($0 - $1) }.max()!
                #expect(error < tolerance, "\(scalar) step \(step + 1): \(actual[step]) vs \(expected[step])")
            }
        }
    }

    @Test func sgdMomentumByHand() {
        // b = g at the first step; then b = 0.9·b + g:
        // step 1: p = [1, −2, 0.5] − 0.1·[0.1, −0.3, 0.2] = [0.99, −1.97, 0.48]
        // step 2: b = 0.9·[0.1, −0.3, 0.2] + [0.2, 0.1, −0.4] = [0.29, −0.17, −0.22]; p = [0.961, −1.953, 0.502]
        let steps = trajectory(.sgd(learningRate: 0.1, momentum: 0.9), as: Double.self, start: Self.start,
                               gradients: Array(Self.gradients.prefix(2)), learningRates: [0.1, 0.1])
        #expect(zip(steps[0], [0.99, -1.97, 0.48]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(zip(steps[1], [0.961, -1.953, 0.502]).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    @Test func adamFirstStepIsTheLearningRateTimesTheSign() {
        // With bias correction m̂ = g and v̂ = g² at t = 1, so each value moves by lr·g/(|g| + eps):
        // lr·sign(g) to within lr·eps/|g| ≤ 1e-8. Without the correction it would move by
        // lr·0.1·g/(√0.001·|g|) ≈ 3.16·lr.
        for spec in [OptimizerSpec.adam(learningRate: 0.01), .adamW(learningRate: 0.01, weightDecay: 0)] {
            let step = trajectory(spec, as: Double.self, start: Self.start, gradients: [Self.gradients[0]], learningRates: [0.01])[0]
            #expect(zip(step, [0.99, -1.99, 0.49]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(spec): \(step)")
        }
    }

    @Test func adamWDecaysDecoupledFromTheMoments() {
        let adam = trajectory(.adam(learningRate: 0.1, weightDecay: 0.1), as: Double.self, start: Self.start,
                              gradients: Self.gradients, learningRates: Self.learningRates)
        let adamW = trajectory(.adamW(learningRate: 0.1, weightDecay: 0.1), as: Double.self, start: Self.start,
                               gradients: Self.gradients, learningRates: Self.learningRates)
        // Adam's L2 term passes through the normalisation; AdamW's shrinks p by lr·wd·p outside it.
        #expect(zip(adam[2], adamW[2]).map { abs($0 - $1) }.max()! > 1e-3)
        // Without weight decay the two are the same optimizer, to the bit.
        #expect(trajectory(.adam(learningRate: 0.1), as: Float.self, start: Self.start, gradients: Self.gradients, learningRates: Self.learningRates)
            == trajectory(.adamW(learningRate: 0.1, weightDecay: 0), as: Float.self, start: Self.start, gradients: Self.gradients, learningRates: Self.learningRates))
    }

    @Test(arguments: specs)
    func resetMakesTheNextStepAFirstStep(spec: OptimizerSpec) {
        let parameters = Self.parameters(Float.self, values: Self.start)
        let optimizer = Optimizer(spec, parameters: parameters)
        for step in 0..<2 {
            Self.setGradients(parameters, Self.gradients[step])
            optimizer.step(learningRate: Self.learningRates[step])
        }
        let afterTwo = Self.values(parameters)
        optimizer.reset()
        #expect(optimizer.stepCount == 0)
        Self.setGradients(parameters, Self.gradients[2])
        optimizer.step(learningRate: 0.1)
        // A fresh optimizer from the same point with the same gradient: the same update, to the bit.
        let fresh = trajectory(spec, as: Float.self, start: afterTwo, gradients: [Self.gradients[2]], learningRates: [0.1])[0]
        #expect(Self.values(parameters) == fresh)
    }

    @Test(arguments: specs)
    func nothingMovesAtLearningRateZero(spec: OptimizerSpec) {
        // Even with weight decay and momentum: every update, AdamW's decay included, is scaled by lr.
        let steps = trajectory(spec, as: Float.self, start: Self.start, gradients: Self.gradients, learningRates: [0, 0, 0])
        #expect(steps.allSatisfy { $0 == Self.start.map { Double(Float($0)) } })
    }

    @Test(arguments: specs.filter { weightDecay(of: $0) == 0 })
    func nothingMovesWithoutGradients(spec: OptimizerSpec) {
        let zeros = [Double](repeating: 0, count: 3)
        let steps = trajectory(spec, as: Float.self, start: Self.start, gradients: [zeros, zeros, zeros], learningRates: Self.learningRates)
        #expect(steps.allSatisfy { $0 == Self.start.map { Double(Float($0)) } })
    }

    /// The optimizer's weight decay.
    static func weightDecay(of spec: OptimizerSpec) -> Double {
        switch spec {
        case .sgd(_, _, _, let decay), .adam(_, _, _, _, let decay), .adamW(_, _, _, _, let decay), .rmsprop(_, _, _, _, let decay, _): decay
        }
    }

    // MARK: Running the engine

    /// The parameter values after each step of an optimizer of `scalar` over the three values
    /// `start`, held as two parameters (two values and one).
    func trajectory(
        _ spec: OptimizerSpec, as scalar: any EngineScalar.Type, start: [Double], gradients: [[Double]], learningRates: [Double]
    ) -> [[Double]] {
        func run<Scalar: EngineScalar>(_: Scalar.Type) -> [[Double]] {
            let parameters = Self.parameters(Scalar.self, values: start)
            let optimizer = Optimizer(spec, parameters: parameters)
            return zip(gradients, learningRates).map { gradient, learningRate in
                Self.setGradients(parameters, gradient)
                optimizer.step(learningRate: learningRate)
                return Self.values(parameters)
            }
        }
        return run(scalar)
    }

    static func parameters<Scalar: EngineScalar>(_: Scalar.Type, values: [Double]) -> [Parameter<Scalar>] {
        let parameters = [Parameter<Scalar>(name: "0.weight", shape: [2]), Parameter<Scalar>(name: "0.bias", shape: [1])]
        parameters[0].value.assign(values[0..<2].map { Scalar($0) })
        parameters[1].value.assign([Scalar(values[2])])
        return parameters
    }

    static func setGradients<Scalar: EngineScalar>(_ parameters: [Parameter<Scalar>], _ gradient: [Double]) {
        parameters[0].gradient.assign(gradient[0..<2].map { Scalar($0) })
        parameters[1].gradient.assign([Scalar(gradient[2])])
    }

    static func values<Scalar: EngineScalar>(_ parameters: [Parameter<Scalar>]) -> [Double] {
        parameters.flatMap(\.value.array).map { Double($0) }
    }
}

/// PyTorch's optimizers written out from their documented algorithms, in Double, one value at a
/// time, independently of the engine's kernels.
enum OptimizerReference {
    /// The values after each step.
    static func trajectory(_ spec: OptimizerSpec, start: [Double], gradients: [[Double]], learningRates: [Double]) -> [[Double]] {
        var p = start
        let n = p.count
        // State, all starting at zero: momentum buffer, first and second moments, average gradient.
        var b = [Double](repeating: 0, count: n), m = b, v = b, ga = b
        var result: [[Double]] = []
        for (index, (gradient, lr)) in zip(gradients, learningRates).enumerated() {
            let t = Double(index + 1)
            for i in 0..<n {
                var g = gradient[i]
                switch spec {
                case .sgd(_, let mu, let nesterov, let wd):
                    g += wd * p[i]
                    if mu > 0 {
                        b[i] = t == 1 ? g : mu * b[i] + g
                        g = nesterov ? g + mu * b[i] : b[i]
                    }
                    p[i] -= lr * g
                case .adam(_, let beta1, let beta2, let eps, let wd):
                    g += wd * p[i]
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let mHat = m[i] / (1 - pow(beta1, t)), vHat = v[i] / (1 - pow(beta2, t))
                    p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                case .adamW(_, let beta1, let beta2, let eps, let wd):
                    p[i] -= lr * wd * p[i]
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let mHat = m[i] / (1 - pow(beta1, t)), vHat = v[i] / (1 - pow(beta2, t))
                    p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                case .rmsprop(_, let alpha, let eps, let mu, let wd, let centered):
                    g += wd * p[i]
                    v[i] = alpha * v[i] + (1 - alpha) * g * g
                    var denominator = v[i]
                    if centered {
                        ga[i] = alpha * ga[i] + (1 - alpha) * g
                        denominator -= ga[i] * ga[i]
                    }
                    let avg = denominator.squareRoot() + eps
                    if mu > 0 {
                        b[i] = mu * b[i] + g / avg
                        p[i] -= lr * b[i]
                    } else {
                        p[i] -= lr * g / avg
                    }
                }
            }
            result.append(p)
        }
        return result
    }

    /// `base` to the integer power `exponent`, by repeated multiplication.
    private static func pow(_ base: Double, _ exponent: Double) -> Double {
        (0..<Int(exponent)).reduce(1) { product, _ in product * base }
    }
}
