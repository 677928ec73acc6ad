@testable import NNBenchEngine
import Testing

/// Inverted dropout: gradient checks (relative error under 1e-6, see
/// ``NumericalGradient/worstRelativeError``) and the statistics and reproducibility of its masks.
@Suite("Dropout")
struct DropoutTests {
    @Test(arguments: [true, false])
    func gradients(training: Bool) throws {
        let network = try NumericalGradient.network("dense(6) tanh dropout(0.3) dense(2)", input: [4], outputs: 2)
        // A fresh mask per perturbed loss would make the loss a different function each time:
        // draw one, then replay it.
        let batch = NumericalGradient.batch(for: network, samples: 5)
        _ = network.forward(batch.inputs, training: true)
        try network.replayDropoutMasks(network.dropoutMasks)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets, training: training)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test func evaluationIsTheIdentity() throws {
        let network = try NumericalGradient.network("dropout(0.4)", input: [50], outputs: nil)
        let inputs = NumericalGradient.batch(for: network, samples: 3).inputs
        #expect(network.forward(inputs, training: false) == inputs)
    }

    @Test func trainingDropsAboutRateAndScalesTheRest() throws {
        let (rate, count) = (0.3, 10_000)
        let network = try NumericalGradient.network("dropout(\(rate))", input: [count], outputs: nil)
        let inputs = NumericalGradient.batch(for: network, samples: 1).inputs
        let output = network.forward(inputs, training: true)
        let dropped = output.scalars.filter { $0 == 0 }.count
        // The count of dropped values is binomial(count, rate).
        let standardError = (Double(count) * rate * (1 - rate)).squareRoot()
        #expect(abs(Double(dropped) - rate * Double(count)) < 4 * standardError)
        let kept = zip(inputs.scalars, output.scalars).filter { $0.1 != 0 }
        #expect(kept.allSatisfy { x, y in y == x * (1 / (1 - rate)) })
    }

    @Test func masksDependOnlyOnSeedAndStep() throws {
        func outputs(seed: UInt64) throws -> [Tensor<Double>] {
            let network = try NumericalGradient.network("dense(4) dropout(0.5)", input: [4], outputs: nil, seed: seed)
            let inputs = NumericalGradient.batch(for: network, samples: 8).inputs
            return (0..<2).map { _ in network.forward(inputs, training: true) }
        }
        let first = try outputs(seed: 7), again = try outputs(seed: 7)
        #expect(first == again)
        #expect(first[0] != first[1])
    }

    @Test func theMeanOverMasksIsTheEvaluationOutput() throws {
        let (rate, steps) = (0.5, 4_000)
        let network = try NumericalGradient.network("dropout(\(rate))", input: [8], outputs: nil)
        let inputs = NumericalGradient.batch(for: network, samples: 1).inputs
        var sums = [Double](repeating: 0, count: 8)
        for _ in 0..<steps {
            for (i, y) in network.forward(inputs, training: true).scalars.enumerated() { sums[i] += y }
        }
        for (x, sum) in zip(inputs.scalars, sums) {
            // Each output is x/(1 − rate) with probability 1 − rate, else 0: variance x²·rate/(1 − rate).
            let standardError = abs(x) * (rate / (1 - rate) / Double(steps)).squareRoot()
            #expect(abs(sum / Double(steps) - x) < 4 * standardError)
        }
    }
}
