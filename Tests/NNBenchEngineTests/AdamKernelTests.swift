import Testing
@testable import NNBenchEngine

/// Adam's kernel against the scalar loop it replaced, bit for bit, with every kernel and with
/// counts that leave partial vector registers.
@Suite("Adam kernel")
struct AdamKernelTests {
    static let counts = Array(0...19) + [4482]
    static let (stepSize, correction, beta1, beta2) = (0.0123, 0.0447, 0.9, 0.999)
    static let (epsilon, weightDecay, shrink) = (1e-8, 0.01, 0.99995)

    /// Runs `step` on deterministic p, g, m, v and checks p, m and v against a scalar loop.
    static func expectMatchesScalarLoop<T: EngineScalar>(
        count: Int,
        _ step: (UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void
    ) {
        var p: [T] = filled(count, seed: 11), m: [T] = filled(count, seed: 13)
        let g: [T] = filled(count, seed: 12)
        // v holds running means of squares, so it is never negative.
        var v: [T] = (filled(count, seed: 14) as [T]).map { $0 * $0 }
        var (expectedP, expectedM, expectedV) = (p, m, v)
        for i in 0..<count {
            let w = expectedP[i], grad = g[i] + T(weightDecay) * w
            let first = T(beta1) * expectedM[i] + T(1 - beta1) * grad
            let second = T(beta2) * expectedV[i] + T(1 - beta2) * grad * grad
            (expectedM[i], expectedV[i]) = (first, second)
            expectedP[i] = T(shrink) * w - T(stepSize) * (first / (second.squareRoot() / T(correction) + T(epsilon)))
        }
        step(&p, g, &m, &v)
        #expect(bitIdentical(p, expectedP))
        #expect(bitIdentical(m, expectedM))
        #expect(bitIdentical(v, expectedV))
    }

    @Test("Float matches the scalar loop", arguments: [GEMMKernel.automatic, .portable], counts)
    func float(kernel: GEMMKernel, count: Int) {
        Self.expectMatchesScalarLoop(count: count) { (p: UnsafeMutablePointer<Float>, g, m, v) in
            Float._adamStep(
                kernel: kernel, parameter: p, gradient: g, firstMoment: m, secondMoment: v, count: count,
                stepSize: Self.stepSize, secondMomentCorrection: Self.correction, beta1: Self.beta1,
                beta2: Self.beta2, epsilon: Self.epsilon, weightDecay: Self.weightDecay, shrink: Self.shrink)
        }
    }

    @Test("Double matches the scalar loop", arguments: [GEMMKernel.automatic, .portable], counts)
    func double(kernel: GEMMKernel, count: Int) {
        Self.expectMatchesScalarLoop(count: count) { (p: UnsafeMutablePointer<Double>, g, m, v) in
            Double._adamStep(
                kernel: kernel, parameter: p, gradient: g, firstMoment: m, secondMoment: v, count: count,
                stepSize: Self.stepSize, secondMomentCorrection: Self.correction, beta1: Self.beta1,
                beta2: Self.beta2, epsilon: Self.epsilon, weightDecay: Self.weightDecay, shrink: Self.shrink)
        }
    }
}
