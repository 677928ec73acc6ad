import Foundation
import NNBenchDatasets
import Testing
@testable import NNBenchEngine

/// Adam's kernel against the scalar loop it replaced, bit for bit, with every kernel and with
/// counts that leave partial vector registers.
@Suite("Adam kernel")
struct AdamKernelTests {
    static let counts = Array(0...19) + [4482]
    static let (stepSize, correction, beta1, beta2) = (0.0123, 0.0447, 0.9, 0.999)
    static let (epsilon, weightDecay, shrink) = (1e-8, 0.01, 0.99995)

    /// The scalars of one call, as `_adamStep` takes them.
    struct Scalars {
        var stepSize = AdamKernelTests.stepSize, correction = AdamKernelTests.correction
        var beta1 = AdamKernelTests.beta1, beta2 = AdamKernelTests.beta2
        var epsilon = AdamKernelTests.epsilon, weightDecay = AdamKernelTests.weightDecay
        var shrink = AdamKernelTests.shrink
    }

    /// The update as a plain scalar loop, each operation rounded on its own, in the kernel's order.
    static func scalarLoop<T: EngineScalar>(p: inout [T], g: [T], m: inout [T], v: inout [T], _ s: Scalars) {
        for i in p.indices {
            let w = p[i], grad = g[i] + T(s.weightDecay) * w
            let first = T(s.beta1) * m[i] + T(1 - s.beta1) * grad
            let second = T(s.beta2) * v[i] + T(1 - s.beta2) * grad * grad
            (m[i], v[i]) = (first, second)
            p[i] = T(s.shrink) * w - T(s.stepSize) * (first / (second.squareRoot() / T(s.correction) + T(s.epsilon)))
        }
    }

    /// Runs the kernel on copies of p, g, m, v.
    static func kernel<T: EngineScalar>(
        _ kernel: GEMMKernel, p: inout [T], g: [T], m: inout [T], v: inout [T], _ s: Scalars
    ) {
        T._adamStep(
            kernel: kernel, parameter: &p, gradient: g, firstMoment: &m, secondMoment: &v, count: p.count,
            stepSize: s.stepSize, secondMomentCorrection: s.correction, beta1: s.beta1, beta2: s.beta2,
            epsilon: s.epsilon, weightDecay: s.weightDecay, shrink: s.shrink)
    }

    /// Runs `step` on deterministic p, g, m, v and checks p, m and v against a scalar loop.
    static func expectMatchesScalarLoop<T: EngineScalar>(kernel: GEMMKernel, count: Int, as _: T.Type) {
        var p: [T] = filled(count, seed: 11), m: [T] = filled(count, seed: 13)
        let g: [T] = filled(count, seed: 12)
        // v holds running means of squares, so it is never negative.
        var v: [T] = (filled(count, seed: 14) as [T]).map { $0 * $0 }
        var (expectedP, expectedM, expectedV) = (p, m, v)
        scalarLoop(p: &expectedP, g: g, m: &expectedM, v: &expectedV, Scalars())
        Self.kernel(kernel, p: &p, g: g, m: &m, v: &v, Scalars())
        #expect(bitIdentical(p, expectedP))
        #expect(bitIdentical(m, expectedM))
        #expect(bitIdentical(v, expectedV))
    }

    @Test("Float matches the scalar loop", arguments: [GEMMKernel.automatic, .avx2Only, .portable], counts)
    func float(kernel: GEMMKernel, count: Int) {
        Self.expectMatchesScalarLoop(kernel: kernel, count: count, as: Float.self)
    }

    @Test("Double matches the scalar loop", arguments: [GEMMKernel.automatic, .portable], counts)
    func double(kernel: GEMMKernel, count: Int) {
        Self.expectMatchesScalarLoop(kernel: kernel, count: count, as: Double.self)
    }

    // MARK: Subnormal, zero, infinite and NaN values

    /// Values checked per precision and kernel: `NNBENCH_ADAM_FUZZ=N swift test --filter
    /// AdamKernelTests` checks N (the long fuzz of the README's Speed section).
    static let fuzzValues = ProcessInfo.processInfo.environment["NNBENCH_ADAM_FUZZ"].flatMap { Int($0) } ?? 20_000

    /// Random p, g, m, v and scalars, in batches of 1–37 values (vector tails of every length),
    /// against the scalar loop: bit for bit, except that any NaN equals any NaN. x86 returns the
    /// first NaN operand of an operation, and the compiler orders the operands of + and ×
    /// freely, so a NaN's sign and payload already differed between the vector and scalar code
    /// before the careful path (a NaN parameter is a diverged run whatever its bits).
    static func expectMatchesOnSpecialValues<T: EngineScalar>(kernel: GEMMKernel, as _: T.Type) {
        var random = RandomStream(key: 0xADA_5B, index: T.self == Float.self ? 1 : 2)
        var checked = 0, mismatches = 0
        while checked < fuzzValues {
            let count = 1 + Int(random.nextUInt32() % 37)
            let s = scalars(&random)
            var p: [T] = [], g: [T] = [], m: [T] = [], v: [T] = []
            let realistic = random.nextUInt32() % 3
            for _ in 0..<count {
                var lane = (p: special(&random, as: T.self), g: special(&random, as: T.self),
                            m: special(&random, as: T.self), v: special(&random, as: T.self))
                if realistic == 1 || (realistic == 2 && random.nextUInt32() % 2 == 0) {
                    lane = deadUnit(&random, s, as: T.self)
                }
                p.append(lane.p)
                g.append(lane.g)
                m.append(lane.m)
                v.append(lane.v)
            }
            var (expectedP, expectedM, expectedV) = (p, m, v)
            scalarLoop(p: &expectedP, g: g, m: &expectedM, v: &expectedV, s)
            Self.kernel(kernel, p: &p, g: g, m: &m, v: &v, s)
            for i in 0..<count where !same(p[i], expectedP[i]) || !same(m[i], expectedM[i]) || !same(v[i], expectedV[i]) {
                if mismatches < 5 {
                    Issue.record(
                        "value \(i) of \(count): p \(p[i]) m \(m[i]) v \(v[i]), scalar loop \(expectedP[i]) \(expectedM[i]) \(expectedV[i])"
                    )
                }
                mismatches += 1
            }
            checked += count
        }
        #expect(mismatches == 0, "\(mismatches) of \(checked) values differ")
    }

    /// Same bits, or both NaN.
    static func same<T: EngineScalar>(_ x: T, _ y: T) -> Bool {
        (x.isNaN && y.isNaN) || bitIdentical([x], [y])
    }

    /// The scalars of one call: mostly Adam's defaults at an early step, sometimes odd ones that
    /// switch the careful path off (L2 decay, β ≤ 1/2, ε = 0) or stress its bound.
    static func scalars(_ random: inout RandomStream) -> Scalars {
        var s = Scalars()
        s.weightDecay = random.nextUInt32() % 16 == 0 ? 0.01 : 0
        s.shrink = random.nextUInt32() % 2 == 0 ? 1 : 0.99995
        s.epsilon = random.nextUInt32() % 4 == 0 ? 0 : 1e-8
        if random.nextUInt32() % 16 == 0 { s.beta1 = Double(random.nextUInt32() % 1000) / 1000 }
        if random.nextUInt32() % 32 == 0 { s.beta1 = 0.5 }
        if random.nextUInt32() % 8 == 0 { s.stepSize = Double(sign: .plus, exponent: Int(random.nextUInt32() % 60) - 30, significand: 1) }
        return s
    }

    /// Zeros of both signs, subnormals (random and the smallest), values just above the
    /// subnormals, tiny and huge normals, infinities, NaN, and ordinary values.
    static func special<T: EngineScalar>(_ random: inout RandomStream, as _: T.Type) -> T {
        let sign: FloatingPointSign = random.nextUInt32() % 2 == 0 ? .plus : .minus
        let significandBits = T.RawSignificand(truncatingIfNeeded: random.nextUInt64()) & ((1 << T.significandBitCount) - 1)
        let maxExponent = T.infinity.exponentBitPattern - 1
        func value(_ exponent: T.RawExponent, _ significand: T.RawSignificand) -> T {
            T(sign: sign, exponentBitPattern: exponent, significandBitPattern: significand)
        }
        switch random.nextUInt32() % 16 {
        case 0: return 0
        case 1: return -0.0
        case 2: return value(0, significandBits)
        case 3: return value(0, 1 + T.RawSignificand(random.nextUInt32() % 8))
        case 4: return sign == .plus ? .infinity : -.infinity
        case 5: return .nan
        case 6: return value(T.RawExponent(random.nextUInt32() % 2), significandBits)
        case 7: return value(T.RawExponent(random.nextUInt32() % 27), significandBits)
        case 8: return value(maxExponent - T.RawExponent(random.nextUInt32() % 4), significandBits)
        default: return T(Int(random.nextUInt32() % 2_000_001) - 1_000_000) / 1_000_000
        }
    }

    /// A unit ReLU has switched off: g = ±0, m a few of the smallest subnormals (or any value
    /// on the 2^-149 grid), v small and normal, subnormal, zero or large, p ordinary, a power of
    /// two, or chosen so that the step is near 2^-25·|p|, the careful path's bound.
    static func deadUnit<T: EngineScalar>(_ random: inout RandomStream, _ s: Scalars, as _: T.Type) -> (p: T, g: T, m: T, v: T) {
        let sign: FloatingPointSign = random.nextUInt32() % 2 == 0 ? .plus : .minus
        let g: T = random.nextUInt32() % 2 == 0 ? 0 : -0.0
        let grid = random.nextUInt32() % 2 == 0 ? 16 : 1 << (T.significandBitCount + 1)
        let k = 1 + T.RawSignificand(random.nextUInt64() % UInt64(grid))
        let m = T(sign: sign, exponent: T.leastNonzeroMagnitude.exponent, significand: T(k))
        var v = T(Int(random.nextUInt32() % 1_000_000) + 1) * T(1e-15)
        switch random.nextUInt32() % 8 {
        case 0: v = T.leastNonzeroMagnitude * T(1 + random.nextUInt32() % (1 << 24))
        case 1: v = 0
        case 2, 3: v = T(Int(random.nextUInt32() % 100) + 1) / 10
        default: break
        }
        var p = T(Int(random.nextUInt32() % 2_000_001) - 1_000_000) / 1_000_000
        if random.nextUInt32() % 16 == 0 { p = T(sign: .plus, exponent: T.Exponent(-Int(random.nextUInt32() % 140)), significand: 1) }
        if random.nextUInt32() % 3 == 0 {
            // The step b ≈ s·β1·|m|/d, in Double, and p = ±b·2^25·f, f in [1/8, 4).
            let d = (Double(v) * s.beta2).squareRoot() / s.correction + s.epsilon
            let b = s.stepSize * s.beta1 * Double(m.magnitude) / d
            let f = Double(sign: .plus, exponent: Int(random.nextUInt32() % 6) - 3, significand: 1 + Double(random.nextUInt32() % 1000) / 1000)
            var magnitude = b * 0x1p25 * f
            if magnitude < 0x1p-126 {
                magnitude = Double(sign: .plus, exponent: -126 + Int(random.nextUInt32() % 3), significand: 1 + Double(random.nextUInt32() % 8) / 8)
            }
            p = T(magnitude) * (random.nextUInt32() % 2 == 0 ? 1 : -1)
        }
        return (p, g, m, v)
    }

    @Test("Float matches the scalar loop on subnormal, zero, infinite and NaN values", arguments: [GEMMKernel.automatic, .avx2Only, .portable])
    func floatSpecialValues(kernel: GEMMKernel) {
        Self.expectMatchesOnSpecialValues(kernel: kernel, as: Float.self)
    }

    @Test("Double matches the scalar loop on subnormal, zero, infinite and NaN values", arguments: [GEMMKernel.automatic, .portable])
    func doubleSpecialValues(kernel: GEMMKernel) {
        Self.expectMatchesOnSpecialValues(kernel: kernel, as: Double.self)
    }

    /// The realistic case over 3,000 steps: a few units dead from the start (m decays through
    /// the subnormals and sticks there), the others alive, every step checked.
    /// `.avx2Only` takes the careful path for the subnormal moments on every CPU; `.automatic`
    /// skips it on CPUs fast on subnormals (adam.c).
    @Test("Float matches the scalar loop while dead units' moments decay into the subnormals", arguments: [GEMMKernel.automatic, .avx2Only])
    func floatDecay(kernel: GEMMKernel) {
        let count = 43
        var p: [Float] = filled(count, seed: 21), m: [Float] = filled(count, seed: 22)
        var v: [Float] = (filled(count, seed: 23) as [Float]).map { $0 * $0 }
        let live: [Float] = filled(count, seed: 24)
        let g = (0..<count).map { $0 % 3 == 0 ? live[$0] : 0 }
        var (expectedP, expectedM, expectedV) = (p, m, v)
        var s = Scalars()
        s.weightDecay = 0
        var mismatchedSteps = 0
        for step in 1...3000 {
            s.stepSize = 1e-3 / (1 - Foundation.pow(0.9, Double(step)))
            s.correction = (1 - Foundation.pow(0.999, Double(step))).squareRoot()
            Self.scalarLoop(p: &expectedP, g: g, m: &expectedM, v: &expectedV, s)
            Self.kernel(kernel, p: &p, g: g, m: &m, v: &v, s)
            if !(bitIdentical(p, expectedP) && bitIdentical(m, expectedM) && bitIdentical(v, expectedV)) { mismatchedSteps += 1 }
        }
        #expect(mismatchedSteps == 0)
        // The premise of the test: the dead units' first moments ended as subnormals.
        #expect(m.indices.filter { $0 % 3 != 0 }.allSatisfy { m[$0].isSubnormal })
    }
}
