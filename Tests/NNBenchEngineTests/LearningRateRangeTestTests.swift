import Foundation
import NNBenchDatasets
import NNBenchEngine
import Testing

/// The learning-rate range test: its schedule, its smoothing, its suggestions, and a quadratic
/// whose divergence point is known in closed form.
@Suite("Learning-rate range test")
struct LearningRateRangeTestTests {
    @Test("the schedule is start·(end/start)^(i/(steps−1)): start and end exactly, every step within rounding")
    func schedule() throws {
        for (start, end, steps) in [(1e-7, 10.0, 100), (0.001, 0.5, 7), (3e-5, 3e-5 * 1.5, 2)] {
            let test = try LearningRateRangeTest(start: start, end: end, steps: steps)
            #expect(test.learningRate(at: 0) == start)
            #expect(test.learningRate(at: steps - 1) == end)
            for i in 0..<steps {
                let textbook = start * Foundation.pow(end / start, Double(i) / Double(steps - 1))
                // Both forms round a division, two pow calls and a product (glibc's pow is within
                // 1 ulp); the exponent 8 decades · 2^-52 adds ~4e-15: 1e-14 relative bounds both.
                #expect(abs(test.learningRate(at: i) - textbook) <= 1e-14 * textbook, "step \(i) of \(steps)")
            }
        }
    }

    @Test("bad ranges are refused, naming the value")
    func badRanges() {
        #expect(throws: SpecError.self) { try LearningRateRangeTest(start: 1, end: 1) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(start: 2, end: 1) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(start: 0, end: 1) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(start: 1e-3, end: .infinity) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(start: .nan, end: 1) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(steps: 1) }
        #expect(throws: SpecError.self) { try LearningRateRangeTest(steps: LearningRateRangeTest.maximumSteps + 1) }
        #expect((try? LearningRateRangeTest(steps: LearningRateRangeTest.maximumSteps)) != nil)
        do { _ = try LearningRateRangeTest(start: 2, end: 1) } catch {
            #expect(error.description == "start: expected a start below the end, got start 2 and end 1")
        }
    }

    @Test("the smoothed loss is fastai's bias-corrected average: a constant stays itself, a step is weighted by β")
    func smoothing() {
        var constant = SmoothedLoss()
        for i in 0..<200 {
            // (1−β^(i+1)) is computed by repeated products: ~i ulps of error, 1e-13 bounds 200 steps.
            #expect(abs(constant.add(0.7) - 0.7) <= 1e-13, "step \(i)")
        }
        var step = SmoothedLoss(beta: 0.5)
        #expect(step.add(1) == 1)
        // a = 0.5·0.5 + 0.5·3 = 1.75, divided by 1 − 0.25.
        #expect(abs(step.add(3) - 1.75 / 0.75) <= 1e-15)
    }

    @Test("the test stops when the smoothed loss exceeds 4× its minimum, or a loss is not finite")
    func stoppingRule() {
        #expect(LearningRateRangeTest.stop(loss: 9, smoothedLoss: 4, minimum: 1) == nil)
        #expect(LearningRateRangeTest.stop(loss: 9, smoothedLoss: 4.000001, minimum: 1) == .diverged)
        #expect(LearningRateRangeTest.stop(loss: 9, smoothedLoss: 3.9, minimum: 1) == nil)
        #expect(LearningRateRangeTest.stop(loss: .nan, smoothedLoss: 1, minimum: 1) == .notFinite)
        #expect(LearningRateRangeTest.stop(loss: 1, smoothedLoss: .infinity, minimum: 1) == .notFinite)
    }

    /// A result from smoothed losses alone, at rates 10^(i/…); the raw loss equal to it.
    private func result(_ smoothed: [Double], steps: Int, stop: LearningRateRangeResult.Stop = .completed) -> LearningRateRangeResult {
        let points = smoothed.enumerated().map { i, loss in
            LearningRateRangeResult.Point(step: i, learningRate: Foundation.pow(10, Double(i) - 10), loss: loss, smoothedLoss: loss)
        }
        return LearningRateRangeResult(start: 1e-10, end: Foundation.pow(10, Double(steps - 11)), steps: steps, points: points, stop: stop)
    }

    @Test("steep and minimum are read as fastai reads them: without the first steps/10 and the last 5 points")
    func suggestions() {
        // 20 steps: the window is points 2..<15. The steepest fall in the whole curve is 0→1
        // (outside), inside it 6→7 (−3 per decade); the smallest value is at 18 (outside), inside at 12.
        var losses = [100.0, 1, 9, 9, 8.5, 8, 7.5, 4.5, 4, 3.5, 3, 2.5, 2, 2.2, 2.4, 2.6, 2.8, 3, 0.5, 9]
        var test = result(losses, steps: 20)
        #expect(test.steep?.step == 6)
        #expect(test.minimum?.step == 12)
        // The slope is per unit of ln lr: one decade is ln 10.
        #expect(abs(test.steepSlope! - (-3 / Foundation.log(10))) <= 1e-12)
        #expect(test.divergence == nil)
        // A non-finite smoothed loss ends the window before it.
        losses[8] = .nan
        test = result(losses, steps: 20)
        #expect(test.suggestionWindow.map(\.step) == Array(2..<8))
        #expect(test.minimum?.step == 7 && test.steep?.step == 6)
        // Stopped at its 7th point: 2..<2 is empty, so no suggestion; the divergence is the last point.
        test = result(Array(losses.prefix(7)), steps: 20, stop: .diverged)
        #expect(test.steep == nil && test.minimum == nil && test.divergence?.step == 6)
    }

    @Test("a rate at or past the divergence gets the warning; one outside the sweep is beyond it; any other none, however low")
    func assessment() {
        let test = result([5, 5, 5, 5, 4, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 100], steps: 20, stop: .diverged)
        // Window 2..<9; the steepest pair is 4→5 (−1.5 per decade): steep at point 4, lr 1e-6.
        #expect(test.steep?.learningRate == Foundation.pow(10, -6))
        #expect(test.divergence?.learningRate == Foundation.pow(10, 3))
        #expect(test.assess(Foundation.pow(10, 3)) == .pastDivergence)
        #expect(test.assess(5e3) == .pastDivergence)
        #expect(test.assess(999) == .inRange)
        #expect(test.assess(1.01e-7) == .inRange)
        #expect(test.assess(0.99e-7) == .inRange)
        // Below the start (1e-10): never tried.
        #expect(test.assess(test.start) == .inRange && test.assess(0.99e-10) == .beyondSweep)
        let completed = result([5, 4, 3, 2, 1], steps: 5)
        // A test that never diverged (sweep 1e-10 to 1e-6): above its end is untested, not in range.
        #expect(completed.assess(completed.end) == .inRange && completed.assess(1e-8) == .inRange)
        #expect(completed.assess(1.01 * completed.end) == .beyondSweep && completed.assess(100) == .beyondSweep)
    }

    /// The `linear` task at a size where a full batch is cheap in a debug build.
    private static func linearTask() throws -> LearningTask {
        try Generators.linear(sizes: SplitSizes(train: 64, validation: 8, test: 8), inputs: 4, outputs: 2, noise: 0.1, seed: 3)
    }

    private static func fullBatchRun(_ task: LearningTask) throws -> TrainingRun<Double> {
        try TrainingRun<Double>(
            task: task, architecture: try ArchitectureSpec(parsing: "dense(2)"),
            configuration: TrainingConfiguration(optimizer: try OptimizerSpec(parsing: "sgd(lr: 0.01)"), epochs: 1, batchSize: 64, seed: 1))
    }

    /// The largest eigenvalue of the Hessian of the MSE of `dense(k)` on the training split:
    /// the loss `1/(n·k) Σ (x·W + b − y)²` is, for each output, a quadratic in `(W_c, b_c)` with
    /// Hessian `2/(n·k) AᵀA`, `A = [X 1]`. Power iteration on AᵀA (5×5), in Double.
    private static func largestCurvature(_ task: LearningTask) -> Double {
        let n = task.train.count, d = task.train.inputShape[0], k = task.train.targetShape[0]
        let width = d + 1
        func row(_ i: Int) -> [Double] { Array(task.train.inputs[(i * d)..<((i + 1) * d)]) + [1] }
        var gram = [Double](repeating: 0, count: width * width)
        for i in 0..<n {
            let a = row(i)
            for r in 0..<width { for c in 0..<width { gram[r * width + c] += a[r] * a[c] } }
        }
        var v = [Double](repeating: 1, count: width)
        var eigenvalue = 0.0
        for _ in 0..<2000 {
            var w = [Double](repeating: 0, count: width)
            for r in 0..<width { for c in 0..<width { w[r] += gram[r * width + c] * v[c] } }
            let norm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            eigenvalue = norm
            v = w.map { $0 / norm }
        }
        return 2 / Double(n * k) * eigenvalue
    }

    @Test("SGD on a quadratic with curvature λ: the test diverges just past lr = 2/λ, and not at all below it")
    func quadraticDivergesPastTwoOverLambda() throws {
        let task = try Self.linearTask()
        let critical = 2 / Self.largestCurvature(task)
        // Full-batch gradient descent on a quadratic: every eigencomponent of the error is
        // multiplied by (1 − lr·λ_j) per step, so below 2/λ the loss never rises (and the smoothed
        // loss, a running weighted mean of non-increasing values, never either), and past it the
        // top component grows geometrically. The loss at step i is before step i's update, so the
        // step that stops must follow at least one update above 2/λ.
        // fastai's range, 1e-7 to 10, ends before the smoothed loss (still remembering the initial
        // loss, 2000 times the converged one) reaches 4× its minimum: sweep to 1e4 instead.
        let test = try LearningRateRangeTest(start: 1e-7, end: 1e4)
        let result = try Self.fullBatchRun(task).rangeTest(test)
        #expect(result.stop == .diverged)
        let stop = try #require(result.divergence)
        #expect(result.points[stop.step - 1].learningRate > critical, "stopped at \(stop.learningRate), 2/λ = \(critical)")
        // And where exactly: the same gradient descent written out in Double from the same initial
        // weights, with fastai's rule, stops at the same step.
        let predicted = Self.predictedStop(task, initial: try Self.fullBatchRun(task), test: test)
        #expect(stop.step == predicted, "the engine stopped at step \(stop.step) (lr \(stop.learningRate)), gradient descent by hand at \(String(describing: predicted)); 2/λ = \(critical)")
        // Up to just below 2/λ, nothing diverges: every step runs.
        let below = try Self.fullBatchRun(task).rangeTest(try LearningRateRangeTest(start: 1e-7, end: 0.99 * critical))
        #expect(below.stop == .completed && below.points.count == 100)
    }

    /// Full-batch gradient descent on the linear model's MSE, by hand, with the range test's rule.
    private static func predictedStop(_ task: LearningTask, initial run: TrainingRun<Double>, test: LearningRateRangeTest) -> Int? {
        let n = task.train.count, d = task.train.inputShape[0], k = task.train.targetShape[0]
        let parameters = run.network.parameters
        var weight = parameters[0].value.scalars, bias = parameters[1].value.scalars  // [d, k], [k]
        let x = task.train.inputs, y = task.train.targets
        var average = 0.0, best = Double.infinity
        for step in 0..<test.steps {
            var residual = [Double](repeating: 0, count: n * k)
            for i in 0..<n {
                for c in 0..<k {
                    var prediction = bias[c]
                    for j in 0..<d { prediction += x[i * d + j] * weight[j * k + c] }
                    residual[i * k + c] = prediction - y[i * k + c]
                }
            }
            let loss = residual.map { $0 * $0 }.reduce(0, +) / Double(n * k)
            average = 0.98 * average + 0.02 * loss
            let smoothed = average / (1 - Foundation.pow(0.98, Double(step + 1)))
            if !smoothed.isFinite { return step }
            best = Swift.min(best, smoothed)
            if smoothed > 4 * best { return step }
            let lr = test.learningRate(at: step), scale = 2 / Double(n * k)
            for j in 0..<d {
                for c in 0..<k {
                    var g = 0.0
                    for i in 0..<n { g += x[i * d + j] * residual[i * k + c] }
                    weight[j * k + c] -= lr * scale * g
                }
            }
            for c in 0..<k { bias[c] -= lr * scale * (0..<n).map { residual[$0 * k + c] }.reduce(0, +) }
        }
        return nil
    }

    @Test("the same seed gives the same test, bit for bit")
    func deterministic() throws {
        let task = try Generators.spirals(sizes: SplitSizes(train: 60, validation: 10, test: 10))
        func test() throws -> LearningRateRangeResult {
            try TrainingRun<Float>(
                task: task, architecture: try ArchitectureSpec(parsing: "dense(8) tanh dropout(0.1) dense(3)"),
                configuration: TrainingConfiguration(optimizer: try OptimizerSpec(parsing: "adam(lr: 0.01)"), epochs: 1, batchSize: 16, seed: 2)
            ).rangeTest(try LearningRateRangeTest(steps: 30))
        }
        let a = try test(), b = try test()
        #expect(a == b)
        // 30 steps of 16 samples outlast an epoch of 60: the test went on into epoch 2's batches.
        #expect(a.points.count == 30 || a.stop != .completed)
    }
}
