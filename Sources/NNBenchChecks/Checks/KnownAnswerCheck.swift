import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The known answers are found: a single dense layer trained on `sum` recovers W = 1 and b = 0, on
/// `linear` the generating weights within the noise, and a network with a hidden layer solves `xor`.
///
/// These use fixed small architectures, not the one under check: they test the implementation's
/// dense layer, losses and optimizer against answers known in advance.
struct KnownAnswerCheck: Check {
    let name = "known-answers"
    let summary = "dense(1) finds sum's W = 1, b = 0; dense(2) finds linear's W and b; a hidden layer solves xor"
    let requiredOps: [ModelOp] = [.step]
    /// Noise-free least squares converges to rounding level; 1e-2 leaves room for float32 and for
    /// a full-batch gradient descent of 300 steps.
    static let sumTolerance = 1e-2
    /// linear's least-squares estimate has a standard error of noise/√n = 0.1/16 ≈ 0.006 per
    /// weight with 256 samples; 0.05 is eight of them.
    static let linearTolerance = 0.05
    /// Full-batch steps for each known answer.
    static let steps = 300
    static let regressionOptimizer = OptimizerSpec.sgd(learningRate: 0.1)
    static let xorOptimizer = OptimizerSpec.adam(learningRate: 0.05)
    static let xorLayers: [LayerSpec] = [.dense(units: 8), .tanh, .dense(units: 1)]

    func run(_ context: CheckContext) throws(ModelError) -> CheckOutcome {
        var figures: [String] = []
        let samples = SplitSizes(train: 256, validation: 1, test: 1)
        for task in [try! Generators.sum(sizes: samples, inputs: 4), try! Generators.linear(sizes: samples, inputs: 4, outputs: 2)] {
            let outputs = task.outputWidth
            let spec = ModelSpec(inputShape: task.inputShape, architecture: ArchitectureSpec([.dense(units: outputs)]))
            _ = try context.model.build(spec, loss: .mse, seed: context.seed)
            let batch = CheckContext.batch(from: task.train, count: task.train.count)
            try ModelTraining.train(context.model, on: batch, optimizer: Self.regressionOptimizer, steps: Self.steps)
            let values = try context.model.parameters()
            guard let weight = values["0.weight"], let bias = values["0.bias"] else {
                throw .failed(.getParams, "expected 0.weight and 0.bias")
            }
            let error = Swift.max(
                weight.largestDifference(from: Tensor(shape: weight.shape, scalars: task.answer.weights["W"]!.values)).difference,
                bias.largestDifference(from: Tensor(shape: bias.shape, scalars: task.answer.weights["b"]!.values)).difference)
            let tolerance = task.name == "sum" ? Self.sumTolerance : Self.linearTolerance
            figures.append("\(task.name) |ΔW| \(short(error))")
            guard error <= tolerance else {
                return .failed(
                    "\(task.name) |ΔW| \(short(error))", bound: "≤ \(short(tolerance))",
                    "dense(\(outputs)) on \(task.name) ends \(short(error)) from the known weights after \(Self.steps) \(Self.regressionOptimizer) steps",
                    .knownAnswerMissed)
            }
        }
        guard context.supports(Self.xorLayers) else {
            return .passed(figures.joined(separator: ", "), bound: "within the noise", notes: ["xor skipped: the model has no tanh"])
        }
        let xor = try! Generators.xor()
        _ = try context.model.build(ModelSpec(inputShape: [2], architecture: ArchitectureSpec(Self.xorLayers)), loss: .bceLogits, seed: context.seed)
        let batch = CheckContext.batch(from: xor.train, count: 4)
        try ModelTraining.train(context.model, on: batch, optimizer: Self.xorOptimizer, steps: Self.steps)
        let accuracy = try ModelTraining.accuracy(context.model, on: batch)
        figures.append("xor \(Int(100 * accuracy)) %")
        guard accuracy == 1 else {
            return .failed(
                "xor \(Int(100 * accuracy)) %", bound: "100 %",
                "\(ArchitectureSpec(Self.xorLayers)) reaches \(Int(100 * accuracy)) % on xor after \(Self.steps) \(Self.xorOptimizer) steps", .knownAnswerMissed)
        }
        return .passed(figures.joined(separator: ", "), bound: "within the noise, xor 100 %")
    }
}
