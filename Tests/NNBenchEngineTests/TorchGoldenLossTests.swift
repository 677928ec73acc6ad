@testable import NNBenchEngine
import Testing
import NNBenchDatasets

/// Every loss's value and gradient with respect to the predictions in Double against PyTorch's
/// float64 `MSELoss`, `BCEWithLogitsLoss` and `CrossEntropyLoss` (mean reductions), including
/// logits whose exponentials overflow (``TorchGolden``).
///
/// Tolerance: 1e-12 relative (of the value; of the gradient's largest entry). The means are over
/// at most 15 positive terms and a row's log-sum-exp over at most 10 exponentials, each a few
/// roundings of float64 (u = 1.1e-16), so either side is within about 15 · 4 · u ≈ 7e-15 of the
/// exact value, except where logits are large. There the engine's cross-entropy rounds
/// `lse = max z + ln Σ e^(z − max z)` before subtracting the target's logit (PyTorch's
/// log-softmax subtracts `max z` first): an absolute error of up to ulp(max z)/2, 9.1e-13 at
/// z = 1e4, in the row's term and, through `e^(z − lse)`, a relative error as large in each of the
/// row's probabilities. In `softmax_ce_large` the row of 1e4s adds ln 2 / 4 to a mean of 0.77 and
/// probabilities of 1/2 (gradients 1/8) to a gradient whose largest entry is 0.19: at most
/// 9.1e-13 / 4 / 0.77 = 3.0e-13 in the value and 9.1e-13 · (1/8) / 0.19 = 6.0e-13 in the gradient,
/// below the bound (measured: 5.1e-14 and 1.1e-13).
@Suite("PyTorch golden: losses")
struct TorchGoldenLossTests {
    static let tolerance = 1e-12

    @Test(arguments: TorchGolden.file?.losses ?? [])
    func matchesTorch(_ golden: TorchGolden.LossCase) throws {
        let loss = try #require(Loss(rawValue: golden.loss))
        let (samples, width) = (golden.predictions.shape[0], golden.predictions.shape.dropFirst().reduce(1, *))
        #expect(golden.targets.shape == (loss == .softmaxCrossEntropy ? [samples] : golden.predictions.shape))
        var gradient = [Double](repeating: .nan, count: golden.predictions.values.count)
        let value = gradient.withUnsafeMutableBufferPointer { gradient in
            Double._loss(
                loss, predictions: golden.predictions.values, targets: golden.targets.values, samples: samples, width: width,
                gradient: gradient.baseAddress)
        }
        let valueError = TorchGolden.relativeError([value], [golden.value])
        #expect(valueError <= Self.tolerance, "value \(value), torch \(golden.value): relative error \(valueError)")
        let gradientError = TorchGolden.relativeError(gradient, golden.gradient.values)
        #expect(gradientError <= Self.tolerance, "gradient: relative error \(gradientError)")
    }
}
