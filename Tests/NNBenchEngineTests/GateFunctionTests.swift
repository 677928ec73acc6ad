import Foundation
import Testing
@testable import NNBenchEngine

/// The engine's σ and tanh (``_GateFunctionKernels``) on a sample of every binade: within their
/// error bound of a Double reference, monotone at the sample's spacing (not at the last bit: every
/// float decreases at 209,535 of σ's steps, README "Speed"), odd (tanh), saturating, NaN kept, and the same
/// bits from the AVX2 and the portable kernels. scripts/activation_accuracy.py checks every float.
@Suite("Gate functions")
struct GateFunctionTests {
    /// Every 4099th float bit pattern from 0 to +∞, negated too, in increasing order (about 2·10⁶).
    static let inputs: [Float] = {
        let positive = stride(from: UInt32(0), through: 0x7F80_0000, by: 4099).map { Float(bitPattern: $0) } + [.infinity]
        return positive.reversed().map { -$0 } + positive
    }()

    /// The error bound, in ulps of the exact value. σ: e^r's Horner sum on |r| ≤ ln(2)/2 lies in
    /// [0.70, 1.42] with an absolute error of about one ulp of 1 (truncation 0.05 ulp), up to 1.4
    /// ulps relative where it falls below 1; the scaling by 2^k is exact; then 1 + t and the
    /// division add half an ulp each, and an ulp of t/(1 + t) can be half its relative size: 3 ulp.
    /// tanh: Cephes's polynomial is within 1.1 ulp plus the final FMA's half ulp, and
    /// 1 − 2t/(1 + t) carries 2t/(1 + t)'s error (≤ 0.45 of the result) into it: under 3 ulp too.
    /// Measured over every float: σ 2.402 and tanh 1.425 ulp at most (scripts/activation_accuracy.py, README).
    static let bound = 3.0

    static func ulpError(_ y: Float, _ exact: Double) -> Double {
        let magnitude = Swift.max(Swift.abs(exact), Double(Float.leastNormalMagnitude))
        let ulp = Double(Float.ulpOfOne) * Double(sign: .plus, exponent: magnitude.exponent, significand: 1)
        return Swift.abs(Double(y) - exact) / Swift.max(ulp, Double(Float.leastNonzeroMagnitude))
    }

    static func apply(_ function: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        var output = [Float](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { function(x.baseAddress!, $0.baseAddress!, x.count) } }
        return output
    }

    @Test("σ: accuracy, monotone at the sample's spacing, saturation, NaN, the same bits from both kernels")
    func logistic() {
        let y = Self.apply { Float._logistic(kernel: .automatic, $0, into: $1, count: $2) }
        let portable = Self.apply { Float._logistic(kernel: .portable, $0, into: $1, count: $2) }
        #expect(bitIdentical(y, portable))
        let errors = zip(Self.inputs, y).map { x, y in Self.ulpError(y, 1 / (1 + Foundation.exp(-Double(x)))) }
        #expect(errors.max()! <= Self.bound)
        #expect(zip(y, y.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(y.first == 0 && y.last == 1)
        var special: [Float] = [.nan, 0, -0.0, 20, -20]
        special.withUnsafeMutableBufferPointer { Float._logistic(kernel: .automatic, UnsafePointer($0.baseAddress!), into: $0.baseAddress!, count: 5) }
        #expect(special[0].isNaN && special[1] == 0.5 && special[2] == 0.5)
        #expect(special[3] == 1 && special[4] > 0 && special[4] < 3e-9)
    }

    @Test("tanh: accuracy, monotone at the sample's spacing, odd, saturation, NaN, the same bits from both kernels")
    func tanh() {
        let y = Self.apply { Float._tanh(kernel: .automatic, $0, into: $1, count: $2) }
        let portable = Self.apply { Float._tanh(kernel: .portable, $0, into: $1, count: $2) }
        #expect(bitIdentical(y, portable))
        let errors = zip(Self.inputs, y).map { x, y in Self.ulpError(y, Foundation.tanh(Double(x))) }
        #expect(errors.max()! <= Self.bound)
        #expect(zip(y, y.dropFirst()).allSatisfy { $0 <= $1 })
        let half = Self.inputs.count / 2
        #expect(bitIdentical(Array(y[..<half].reversed()).map { -$0 }, Array(y[half...])))
        #expect(y.first == -1 && y.last == 1)
        var special: [Float] = [.nan, -0.0, Float.leastNonzeroMagnitude, 9.1]
        special.withUnsafeMutableBufferPointer { Float._tanh(kernel: .automatic, UnsafePointer($0.baseAddress!), into: $0.baseAddress!, count: 4) }
        #expect(special[0].isNaN && special[1] == 0 && special[1].sign == .minus)
        #expect(special[2] == Float.leastNonzeroMagnitude && special[3] == 1)
    }

    @Test("Double: within 3 ulp of Float80, the same bits from both kernels")
    func double() {
        let x: [Double] = (0..<20_000).map { Double($0 - 10_000) / 400 } + [-745, -700, 1e-300, -Double.leastNormalMagnitude / 4, 0.6249999, 0.625]
        for (function, exact) in [(Double._logistic, { (x: Float80) in 1 / (1 + Glibc.expl(-x)) }), (Double._tanh, { Glibc.tanhl($0) })] {
            var (y, portable) = ([Double](repeating: 0, count: x.count), [Double](repeating: 0, count: x.count))
            x.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { function(.automatic, input.baseAddress!, $0.baseAddress!, input.count) }
                portable.withUnsafeMutableBufferPointer { function(.portable, input.baseAddress!, $0.baseAddress!, input.count) }
            }
            #expect(bitIdentical(y, portable))
            let worst = zip(x, y).map { x, y -> Double in
                let reference = exact(Float80(x))
                let ulp = Swift.max(Double(reference).ulp, Double.leastNonzeroMagnitude)
                return Double(Swift.abs(Float80(y) - reference) / Float80(ulp))
            }.max()!
            #expect(worst <= Self.bound)
        }
    }
}
