@testable import NNBenchEngine
import Testing

/// Every optimizer configuration in Double against `torch.optim` in float64 (``TorchGolden``):
/// four steps from the same start with the same gradients set as `.grad` and the same
/// learning rate per step (changed between steps, as a schedule does), the parameters compared
/// after each step. Two parameters, so that per-parameter state is exercised.
///
/// Tolerance: 1e-12 of each parameter's largest value after each step. A step is about ten
/// roundings of float64 (u = 1.1e-16) per value, ordered differently on the two sides (PyTorch's
/// `lerp` for Adam's first moment, its `addcdiv`); over four steps of parameters of order 1
/// whose updates are at most of order 1, either side is within about 4 · 10 · 3 · u ≈ 1.3e-14
/// of the exact trajectory. Adam's division by `√v̂ + eps` with eps 1e-8 is no worse conditioned,
/// since `|m̂| / √v̂` is at most of order 1.
@Suite("PyTorch golden: optimizers")
struct TorchGoldenOptimizerTests {
    static let tolerance = 1e-12

    @Test(arguments: TorchGolden.file?.optimizers ?? [])
    func matchesTorch(_ golden: TorchGolden.OptimizerCase) throws {
        let names = golden.start.keys.sorted()
        let parameters = names.map { name in
            let start = golden.start[name]!
            let parameter = Parameter<Double>(name: name, shape: start.shape)
            parameter.value.assign(start.values)
            return parameter
        }
        let optimizer = Optimizer(golden.optimizer, parameters: parameters)
        for (index, step) in golden.steps.enumerated() {
            for parameter in parameters {
                parameter.gradient.assign(try #require(step.gradients[parameter.name]).values)
            }
            optimizer.step(learningRate: step.lr)
            for parameter in parameters {
                let expected = try #require(step.parameters[parameter.name])
                let error = TorchGolden.relativeError(parameter.value.array, expected.values)
                #expect(error <= Self.tolerance, "step \(index + 1), \(parameter.name): relative error \(error)")
            }
        }
    }
}
