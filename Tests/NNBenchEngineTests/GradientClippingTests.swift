import Testing
@testable import NNBenchEngine

/// `clip_grad_norm_` and `clip_grad_value_` on gradients spread over two parameters.
///
/// Tolerances: the expected values are computed here in Double from the definition; the engine
/// sums the squares in its scalar type, so Double agrees to a few ulps (1e-15 on values ≤ 4) and
/// Float to its rounding of inputs and sums (1e-6).
@Suite("Gradient clipping")
struct GradientClippingTests {
    /// Two parameters whose gradients have the global norm √(3² + 4² + 12²) = 13.
    static let gradients: [[Double]] = [[3, 0], [-4, 12]]

    static func parameters<Scalar: EngineScalar>(_: Scalar.Type) -> [Parameter<Scalar>] {
        gradients.enumerated().map { index, gradient in
            let parameter = Parameter<Scalar>(name: "\(index).weight", shape: [gradient.count])
            parameter.gradient.assign(gradient.map { Scalar($0) })
            return parameter
        }
    }

    static func clipped<Scalar: EngineScalar>(_ clip: ClipSpec, as _: Scalar.Type) -> [[Double]] {
        let parameters = parameters(Scalar.self)
        GradientClipping.apply(clip, to: parameters)
        return parameters.map { $0.gradient.array.map { Double($0) } }
    }

    @Test func normAboveTheMaximumScalesToIt() {
        // Every gradient, in both parameters, times max/(13 + 1e-6): the global norm becomes
        // 13·max/(13 + 1e-6), the maximum to within max·1e-7.
        let coefficient = 2 / (13 + 1e-6)
        let expected = Self.gradients.map { $0.map { $0 * coefficient } }
        for (result, tolerance) in [(Self.clipped(.norm(maxNorm: 2), as: Double.self), 1e-15), (Self.clipped(.norm(maxNorm: 2), as: Float.self), 1e-6)] {
            #expect(zip(result.joined(), expected.joined()).allSatisfy { abs($0 - $1) < tolerance }, "\(result)")
            let norm = result.joined().map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(norm - 2) < 1e-6)
        }
    }

    @Test func normBelowTheMaximumLeavesGradientsAlone() {
        #expect(Self.clipped(.norm(maxNorm: 13.5), as: Double.self) == Self.gradients)
        #expect(Self.clipped(.norm(maxNorm: 100), as: Float.self) == Self.gradients)
    }

    @Test func valueClampsEachGradient() {
        let expected: [[Double]] = [[3, 0], [-3.5, 3.5]]
        #expect(Self.clipped(.value(clipValue: 3.5), as: Double.self) == expected)
        #expect(Self.clipped(.value(clipValue: 3.5), as: Float.self) == expected)
    }
}
