@testable import NNBenchEngine
import Testing

/// Batch normalisation: gradient checks in both modes (relative error under 1e-6, see
/// ``NumericalGradient/worstRelativeError``), normalised outputs, and PyTorch's running statistics.
@Suite("BatchNorm")
struct BatchNormTests {
    @Test(arguments: [true, false])
    func gradientsAfterDense(training: Bool) throws {
        let network = try NumericalGradient.network("dense(4) batchnorm tanh dense(2)", input: [3], outputs: 2)
        // Away from γ = 1, β = 0, running mean 0 and variance 1, so that no term vanishes by chance.
        try network.setParameters([
            "1.weight": Tensor(shape: [4], scalars: [1.5, -0.7, 0.9, 2]),
            "1.bias": Tensor(shape: [4], scalars: [0.1, -0.3, 0.2, 0.4]),
            "1.running_mean": Tensor(shape: [4], scalars: [0.2, -0.1, 0.3, 0]),
            "1.running_var": Tensor(shape: [4], scalars: [0.5, 2, 1.3, 0.8]),
        ])
        let batch = NumericalGradient.batch(for: network, samples: 6)
        let worst = NumericalGradient.worstRelativeError(network, inputs: batch.inputs, targets: batch.targets, training: training)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test func gradientsAfterConvInTraining() throws {
        let network = try NumericalGradient.network("conv2d(2, kernel: 2) batchnorm tanh flatten dense(1)", input: [2, 4, 4], outputs: 1)
        try network.setParameters([
            "1.weight": Tensor(shape: [2], scalars: [1.5, -0.7]),
            "1.bias": Tensor(shape: [2], scalars: [0.1, -0.3]),
        ])
        let batch = NumericalGradient.batch(for: network, samples: 3)
        let worst = NumericalGradient.worstRelativeError(
            network, inputs: batch.inputs, targets: batch.targets, training: true, h: NumericalGradient.imageStep)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test(arguments: [[3], [2, 3, 3]])
    func trainingNormalisesAndUpdatesRunningStatistics(shape: [Int]) throws {
        // ε tiny so that the output's variance, σ²/(σ² + ε), is 1 to far below the tolerance.
        let network = try NumericalGradient.network("batchnorm(momentum: 0.2, eps: 1e-15)", input: shape, outputs: nil)
        let samples = 7, channels = shape[0], spatial = shape.dropFirst().reduce(1, *)
        let raw = NumericalGradient.batch(for: network, samples: samples).inputs
        // Off-centre and spread, with a different mean and scale per channel.
        let inputs = Tensor(shape: raw.shape, scalars: raw.scalars.enumerated().map { i, x in
            let c = Double(i / spatial % channels)
            return 3 * (c + 1) * x + 5 - c
        })
        let output = network.forward(inputs, training: true)
        let expectedMean = Self.perChannel(inputs, channels: channels, spatial: spatial) { values in
            values.reduce(0, +) / Double(values.count)
        }
        let expectedVariance = Self.perChannel(inputs, channels: channels, spatial: spatial) { values in
            let mean = values.reduce(0, +) / Double(values.count)
            return values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        }
        let means = Self.perChannel(output, channels: channels, spatial: spatial) { $0.reduce(0, +) / Double($0.count) }
        let variances = Self.perChannel(output, channels: channels, spatial: spatial) { values in
            values.map { $0 * $0 }.reduce(0, +) / Double(values.count)
        }
        for c in 0..<channels {
            #expect(abs(means[c]) < 1e-12)
            #expect(abs(variances[c] - 1) < 1e-12)
        }
        // PyTorch: running = (1 − momentum)·running + momentum·batch, from 0 and 1, the variance unbiased.
        let state = Dictionary(uniqueKeysWithValues: network.state.map { ($0.name, $0.value.scalars) })
        for c in 0..<channels {
            #expect(abs(state["0.running_mean"]![c] - 0.2 * expectedMean[c]) < 1e-12 * abs(expectedMean[c]))
            let variance = 0.8 + 0.2 * expectedVariance[c]
            #expect(abs(state["0.running_var"]![c] - variance) < 1e-12 * variance)
        }
    }

    @Test func evaluationUsesAndKeepsTheRunningStatistics() throws {
        let network = try NumericalGradient.network("batchnorm", input: [2], outputs: nil)
        let (gamma, beta, mean, variance): ([Double], [Double], [Double], [Double]) = ([2, -1], [0.5, 1], [1, -2], [4, 0.25])
        try network.setParameters([
            "0.weight": Tensor(shape: [2], scalars: gamma),
            "0.bias": Tensor(shape: [2], scalars: beta),
            "0.running_mean": Tensor(shape: [2], scalars: mean),
            "0.running_var": Tensor(shape: [2], scalars: variance),
        ])
        let inputs: [Double] = [3, 0, -1, -2]
        let output = network.forward(Tensor(shape: [2, 2], scalars: inputs), training: false)
        for (i, x) in inputs.enumerated() {
            let c = i % 2
            let expected: Double = gamma[c] * (x - mean[c]) / (variance[c] + 1e-5).squareRoot() + beta[c]
            #expect(abs(output.scalars[i] - expected) < 1e-14 * max(abs(expected), 1))
        }
        #expect(network.state.map(\.value.scalars) == [mean, variance])
    }

    /// `reduce` of each channel's values over the batch and the plane.
    static func perChannel(_ tensor: Tensor<Double>, channels: Int, spatial: Int, _ reduce: ([Double]) -> Double) -> [Double] {
        (0..<channels).map { c in
            reduce(tensor.scalars.indices.filter { $0 / spatial % channels == c }.map { tensor.scalars[$0] })
        }
    }
}
