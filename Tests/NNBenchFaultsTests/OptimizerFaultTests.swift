import NNBenchDatasets
@testable import NNBenchEngine
@testable import NNBenchFaults
import Testing

/// The optimizer faults named after the numpy client's bugs: each takes exactly its wrong step,
/// and only for the optimizer it concerns.
@Suite("optimizer faults")
struct OptimizerFaultTests {
    static let architecture = try! ArchitectureSpec(parsing: "dense(5) tanh dense(3)").resolve(inputShape: [4], outputWidth: 3)
    static let inputs = Tensor<Double>(shape: [6, 4], scalars: (0..<24).map { Double($0 % 7) / 3 - 1 })
    static let labels = Tensor<Double>(shape: [6], scalars: [0, 1, 2, 0, 1, 2])

    /// The parameters after `steps` steps of `spec` from the same initial weights.
    static func parameters(after steps: Int, of spec: OptimizerSpec, fault: Fault? = nil) -> [Tensor<Double>] {
        let network = Network<Double>(architecture, loss: .softmaxCrossEntropy, seed: 3, fault: fault)
        let optimizer = NetworkOptimizer(spec, network: network, fault: fault)
        for _ in 0..<steps { optimizer.step(inputs: inputs, targets: labels) }
        return network.parameters.map(\.value)
    }

    @Test func adamWWithCoupledDecayIsAdamWithTheSameDecay() {
        let adamW = OptimizerSpec.adamW(learningRate: 0.01, epsilon: 1e-3, weightDecay: 0.1)
        let adam = OptimizerSpec.adam(learningRate: 0.01, epsilon: 1e-3, weightDecay: 0.1)
        let coupled = Self.parameters(after: 3, of: adamW, fault: .adamWDecayCoupled)
        #expect(coupled == Self.parameters(after: 3, of: adam))
        #expect(coupled != Self.parameters(after: 3, of: adamW))
        // Adam itself has no decoupled decay to couple: the fault leaves it alone.
        #expect(Self.parameters(after: 3, of: adam, fault: .adamWDecayCoupled) == Self.parameters(after: 3, of: adam))
    }

    @Test(arguments: [(0.0, 0.0, false), (0.9, 0.1, true)])
    func rmspropDividesByTheRootOfTheMeanSquarePlusEps(momentum: Double, weightDecay: Double, centered: Bool) {
        let spec = OptimizerSpec.rmsprop(
            learningRate: 0.01, alpha: 0.99, epsilon: 1e-3, momentum: momentum, weightDecay: weightDecay, centered: centered)
        let network = Network<Double>(Self.architecture, loss: .softmaxCrossEntropy, seed: 3, fault: .rmspropWithoutEpsInside)
        let before = network.parameters.map(\.value)
        NetworkOptimizer(spec, network: network, fault: .rmspropWithoutEpsInside).step(inputs: Self.inputs, targets: Self.labels)
        // The first step from empty state: sq = 0.01·g², ga = 0.01·g, buf = g/avg whatever μ.
        var expected: [Tensor<Double>] = []
        for (p, gradient) in zip(before, network.gradients.map(\.value)) {
            let scalars = zip(p.scalars, gradient.scalars).map { p, gradient in
                let g = gradient + weightDecay * p
                let variance = 0.01 * g * g - (centered ? 0.01 * g * 0.01 * g : 0)
                return p - 0.01 * g / (variance + 1e-3).squareRoot()
            }
            expected.append(Tensor(shape: p.shape, scalars: scalars))
        }
        // Parameters below 1 and steps below lr·10, each a handful of roundings of 1.1e-16 (and
        // 1 − 0.99 is 0.01 to within 1e-17): 1e-14 leaves a margin of 10.
        for (value, wanted) in zip(network.parameters.map(\.value), expected) {
            #expect(zip(value.scalars, wanted.scalars).allSatisfy { abs($0 - $1) <= 1e-14 })
        }
        // At eps 1e-3 the mistake moves small gradients' steps far more than rounding does.
        let correct = Self.parameters(after: 1, of: spec)
        #expect(zip(correct.flatMap(\.scalars), expected.flatMap(\.scalars)).contains { abs($0 - $1) > 1e-4 })
        #expect(Self.parameters(after: 1, of: .adam(learningRate: 0.01), fault: .rmspropWithoutEpsInside)
            == Self.parameters(after: 1, of: .adam(learningRate: 0.01)))
    }
}
