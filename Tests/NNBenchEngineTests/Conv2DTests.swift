@testable import NNBenchEngine
import Testing

/// The convolution layer: gradient checks (relative error under 1e-6, see
/// ``NumericalGradient/worstRelativeError``), forward values, and independence from threads.
@Suite("Conv2D")
struct Conv2DTests {
    @Test(arguments: [
        ("conv2d(2, kernel: 3) flatten dense(1)", [1, 5, 5]),
        ("conv2d(3, kernel: 3, stride: 2, padding: 1) flatten dense(2)", [2, 6, 6]),
        ("conv2d(2, kernel: 2, bias: false) flatten dense(1)", [2, 4, 4]),
    ])
    func gradients(spec: String, input: [Int]) throws {
        let outputs = spec.hasSuffix("dense(2)") ? 2 : 1
        let network = try NumericalGradient.network(spec, input: input, outputs: outputs, loss: .mse)
        let batch = NumericalGradient.batch(for: network, samples: 3)
        let worst = NumericalGradient.worstRelativeError(
            network, inputs: batch.inputs, targets: batch.targets, h: NumericalGradient.imageStep)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test func withoutBiasHasOnlyAWeight() throws {
        let network = try NumericalGradient.network("conv2d(2, kernel: 2, bias: false) flatten dense(1)", input: [2, 4, 4], outputs: 1, loss: .mse)
        #expect(network.parameters.map(\.name) == ["0.weight", "2.weight", "2.bias"])
        #expect(network.parameters[0].value.shape == [2, 2, 2, 2])
    }

    @Test func crossCorrelationByHand() throws {
        let network = try NumericalGradient.network("conv2d(1, kernel: 2)", input: [1, 3, 3], outputs: nil)
        try network.setParameters([
            "0.weight": Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, -1, 2]),
            "0.bias": Tensor(shape: [1], scalars: [0.5]),
        ])
        let image = Tensor<Double>(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        // Not flipped (cross-correlation): top-left 1·1 + 2·0 + 4·(−1) + 5·2 = 7, plus the bias.
        #expect(network.forward(image) == Tensor(shape: [1, 1, 2, 2], scalars: [7.5, 9.5, 13.5, 15.5]))
    }

    @Test func strideAndPaddingMatchDirectLoops() throws {
        let network = try NumericalGradient.network("conv2d(3, kernel: 3, stride: 2, padding: 1)", input: [2, 6, 6], outputs: nil)
        let inputs = NumericalGradient.batch(for: network, samples: 2).inputs
        let weight = network.parameters[0].value.scalars
        try network.setParameters(["0.bias": Tensor(shape: [3], scalars: [0.1, -0.2, 0.3])])
        let output = network.forward(inputs)
        #expect(output.shape == [2, 3, 3, 3])
        var worst = 0.0
        for n in 0..<2 {
            for f in 0..<3 {
                for oy in 0..<3 {
                    for ox in 0..<3 {
                        var sum = [0.1, -0.2, 0.3][f]
                        for c in 0..<2 {
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    let (y, x) = (oy * 2 - 1 + ky, ox * 2 - 1 + kx)
                                    guard (0..<6).contains(y) && (0..<6).contains(x) else { continue }
                                    sum += weight[((f * 2 + c) * 3 + ky) * 3 + kx] * inputs.scalars[((n * 2 + c) * 6 + y) * 6 + x]
                                }
                            }
                        }
                        worst = max(worst, abs(sum - output.scalars[((n * 3 + f) * 3 + oy) * 3 + ox]))
                    }
                }
            }
        }
        // Sums of 18 products of order-1 values: only the summation order differs.
        #expect(worst < 1e-13)
    }

    @Test func sameBitsWithOneOrTwoThreads() throws {
        // Every product of this size is large enough to be split over two threads.
        let (channels, filters, side, kernel) = (8, 16, 20, 3)
        let pixels = (side - kernel + 1) * (side - kernel + 1), patch = channels * kernel * kernel
        #expect(filters * pixels * patch >= GEMMParallelism.minimumMultiplyAdds)
        #expect(GEMMParallelism.rowBlocks(m: filters, n: pixels, k: patch, threads: 2).count == 2)
        let results = try [1, 2].map { threads in
            let network = try NumericalGradient.network(
                "conv2d(\(filters), kernel: \(kernel)) flatten dense(1)", input: [channels, side, side], outputs: 1,
                threads: threads)
            let batch = NumericalGradient.batch(for: network, samples: 2)
            let output = network.forward(batch.inputs)
            let (loss, inputGradient) = network.gradients(inputs: batch.inputs, targets: batch.targets)
            return (output: output, loss: loss, inputGradient: inputGradient, gradients: network.gradients.map(\.value))
        }
        #expect(results[0].output == results[1].output)
        #expect(results[0].loss == results[1].loss)
        #expect(results[0].inputGradient == results[1].inputGradient)
        #expect(results[0].gradients == results[1].gradients)
    }
}
