@testable import NNBenchEngine
import Testing

/// Max and average pooling: gradient checks (relative error under 1e-6, see
/// ``NumericalGradient/worstRelativeError``) and values on a hand-written image.
@Suite("Pooling")
struct PoolingTests {
    /// A 4×4 plane whose windows have distinct maxima.
    static let image = Tensor<Double>(shape: [1, 1, 4, 4], scalars: [
        1, 2, 5, 0,
        3, 4, 1, 1,
        0, -1, 2, 8,
        6, 2, 7, 3,
    ])

    // The pools follow a conv so that their inputs are random sums: a tie between two values
    // of a window is then (almost surely) impossible. At a tie the maximum has no derivative, and
    // a central difference across it would measure the mean of the two one-sided slopes.
    @Test(arguments: [
        ("conv2d(2, kernel: 3) maxpool2d(2) flatten dense(1)", [1, 6, 6]),
        ("conv2d(2, kernel: 2) maxpool2d(3, stride: 2) flatten dense(1)", [1, 8, 8]),
        ("conv2d(2, kernel: 3) avgpool2d(2) flatten dense(1)", [1, 6, 6]),
        ("avgpool2d(3, stride: 2) flatten dense(1)", [2, 7, 7]),
    ])
    func gradients(spec: String, input: [Int]) throws {
        let network = try NumericalGradient.network(spec, input: input, outputs: 1)
        let batch = NumericalGradient.batch(for: network, samples: 3)
        let worst = NumericalGradient.worstRelativeError(
            network, inputs: batch.inputs, targets: batch.targets, h: NumericalGradient.imageStep)
        #expect(worst.error < 1e-6, "worst at \(worst.at): \(worst.error)")
    }

    @Test func valuesByHand() throws {
        let max = try NumericalGradient.network("maxpool2d(2)", input: [1, 4, 4], outputs: nil)
        #expect(max.forward(Self.image) == Tensor(shape: [1, 1, 2, 2], scalars: [4, 5, 6, 8]))
        let average = try NumericalGradient.network("avgpool2d(2)", input: [1, 4, 4], outputs: nil)
        #expect(average.forward(Self.image) == Tensor(shape: [1, 1, 2, 2], scalars: [2.5, 1.75, 1.75, 5]))
        let overlapping = try NumericalGradient.network("maxpool2d(2, stride: 1)", input: [1, 4, 4], outputs: nil)
        #expect(overlapping.forward(Self.image) == Tensor(shape: [1, 1, 3, 3], scalars: [4, 5, 5, 4, 4, 8, 6, 7, 8]))
    }

    @Test func maxGradientGoesToEachWindowsMaximum() {
        // With overlapping windows the 4 is the maximum of three windows and gets all their gradients.
        let gradient = Self.inputGradient(.max, Self.image, size: 2, stride: 1)
        #expect(gradient == [0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 2, 1, 0, 1, 0])
    }

    @Test func maxGradientOfATieGoesToTheFirstMaximum() {
        // As PyTorch's CPU kernel: on equal values the first in row-major order wins.
        let plane = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [0, 3, 3, 3])
        #expect(Self.inputGradient(.max, plane, size: 2, stride: 2) == [0, 1, 0, 0])
    }

    @Test func averageGradientIsSharedByTheWindow() {
        let gradient = Self.inputGradient(.average, Self.image, size: 2, stride: 1)
        // Each value gets 1/4 from every window it is in: 1, 2 or 4 of them.
        #expect(gradient == [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1].map { $0 / 4 })
    }

    /// The gradient with respect to a one-channel image when every output's gradient is 1.
    static func inputGradient(_ kind: PoolingLayer<Double>.Kind, _ image: Tensor<Double>, size: Int, stride: Int) -> [Double] {
        let (height, width) = (image.shape[2], image.shape[3])
        let window = SlidingWindow(height: height, width: width, size: size, stride: stride)
        let layer = PoolingLayer<Double>(
            kind, inputShape: [1, height, width], outputShape: [1, window.outputHeight, window.outputWidth],
            size: size, stride: stride)
        let input = Buffer(image.scalars)
        let output = layer.forward(Batch(count: 1, shape: [1, height, width], pointer: input.pointer), training: true)
        let ones = Buffer<Double>(Array(repeating: 1, count: output.size))
        return layer.backward(Batch(count: 1, shape: output.shape, pointer: ones.pointer)).tensor.scalars
    }
}
