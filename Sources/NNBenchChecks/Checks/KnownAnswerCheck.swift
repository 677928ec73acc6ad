import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The known answers are found: a single dense layer trained on `sum` recovers W = 1 and b = 0, on
/// `linear` the generating weights within the noise, and a network with a hidden layer solves `xor`.
///
/// These use fixed small architectures, not the one under check: they test the implementation's
/// dense layer, losses and optimizer against answers known in advance. A model that declines one
/// of them (a loss or a layer type it does not offer) has that part skipped, not failed.
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
        var figures: [String] = [], notes: [String] = []
        var load = 0.0
        let samples = SplitSizes(train: 256, validation: 1, test: 1)
        for task in [try! Generators.sum(sizes: samples, inputs: 4), try! Generators.linear(sizes: samples, inputs: 4, outputs: 2)] {
            let outputs = task.outputWidth
            let spec = ModelSpec(inputShape: task.inputShape, architecture: ArchitectureSpec([.dense(units: outputs)]))
            let declined = try declines(context) { () throws(ModelError) in try context.model.build(spec, loss: .mse, seed: context.seed) }
            guard declined == nil else {
                notes.append("\(task.name) skipped: the model declined dense(\(outputs)) with mse")
                continue
            }
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
            load = Swift.max(load, error / tolerance)
            guard error <= tolerance else {
                return .failed(
                    "\(task.name) |ΔW| \(short(error))", bound: "≤ \(short(tolerance))",
                    "dense(\(outputs)) on \(task.name) ends \(short(error)) from the known weights after \(Self.steps) \(Self.regressionOptimizer) steps",
                    .knownAnswerMissed, load: load)
            }
        }
        let xorSpec = ModelSpec(inputShape: [2], architecture: ArchitectureSpec(Self.xorLayers))
        let declined = !context.supports(Self.xorLayers) || context.info.losses.map { !$0.contains(.bceLogits) } ?? false
        let refusal = declined ? nil : try declines(context) { () throws(ModelError) in try context.model.build(xorSpec, loss: .bceLogits, seed: context.seed) }
        if declined || refusal != nil {
            notes.append("xor skipped: the model does not offer \(ArchitectureSpec(Self.xorLayers)) with bce_logits")
            if figures.isEmpty { return .skipped("the model declined every known-answer model: " + notes.joined(separator: "; ")) }
            return .passed(figures.joined(separator: ", "), bound: "within the noise", load: load, notes: notes)
        }
        let xor = try! Generators.xor()
        let batch = CheckContext.batch(from: xor.train, count: 4)
        try ModelTraining.train(context.model, on: batch, optimizer: Self.xorOptimizer, steps: Self.steps)
        let accuracy = try ModelTraining.accuracy(context.model, on: batch)
        figures.append("xor \(Int(100 * accuracy)) %")
        guard accuracy == 1 else {
            return .failed(
                "xor \(Int(100 * accuracy)) %", bound: "100 %",
                "\(ArchitectureSpec(Self.xorLayers)) reaches \(Int(100 * accuracy)) % on xor after \(Self.steps) \(Self.xorOptimizer) steps", .knownAnswerMissed)
        }
        return .passed(figures.joined(separator: ", "), bound: "within the noise, xor 100 %", load: load, notes: notes)
    }

    /// Runs a `build`; its refusal (`ok: false`) is returned, any other error thrown, a build
    /// never sent because the program had already failed included.
    private func declines(_ context: CheckContext, _ build: () throws(ModelError) -> [ParameterShape]) throws(ModelError) -> String? {
        do {
            _ = try build()
            return nil
        } catch let error where error.isNotRun {
            throw error
        } catch .failed(.build, let reason) {
            return reason
        }
    }
}
