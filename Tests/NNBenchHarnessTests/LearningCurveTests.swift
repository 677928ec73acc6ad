import NNBenchDatasets
import NNBenchEngine
@testable import NNBenchHarness
import Testing

/// `nnbench curve`'s computation: the sizes are prefixes of the task's data, the plan refuses bad
/// input, the verdict rules, and the proof in miniature (debug-sized; the full runs are in
/// docs/learning-curve.md).
@Suite("learning curve")
struct LearningCurveTests {
    static func plan(
        _ name: String, _ parameters: [String: String] = [:], arch: String? = nil, optimizer: String? = nil, epochs: Int? = nil,
        sizes: [Int]?, seeds: [UInt64] = [0, 1, 2]
    ) throws -> LearningCurvePlan {
        let task = try TaskCatalogue.definition(named: name).makeTask(parameters)
        let resolved = try ArchitectureSpec(parsing: arch ?? task.reference.architecture).resolve(for: task)
        let configuration = TrainingConfiguration(
            optimizer: try OptimizerSpec(parsing: optimizer ?? task.reference.optimizer), epochs: epochs ?? task.reference.epochs,
            batchSize: task.reference.batchSize)
        return try LearningCurvePlan(task: task, resolved: resolved, configuration: configuration, sizes: sizes, seeds: seeds)
    }

    /// The curve trains on slices of one generated split; they must be the training splits the
    /// generator gives at those sizes, each a prefix of the next, with the same validation split.
    @Test(arguments: TaskCatalogue.all.filter { $0.parameters.contains { $0.name == "n" } }.map(\.name))
    func eachSizeIsTheTaskGeneratedAtThatSize(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let pool = try definition.makeTask(["n": "24", "n-valid": "7", "n-test": "5"], seed: 2)
        var previous: Split?
        for size in [3, 10, 24] {
            let sliced = pool.withTrainingPrefix(size)
            let generated = try definition.makeTask(["n": String(size), "n-valid": "7", "n-test": "5"], seed: 2)
            #expect(sliced.train == generated.train)
            #expect(sliced.validation == generated.validation)
            if let previous {
                #expect(Array(sliced.train.inputs.prefix(previous.inputs.count)) == previous.inputs)
                #expect(Array(sliced.train.targets.prefix(previous.targets.count)) == previous.targets)
            }
            previous = sliced.train
        }
    }

    @Test func defaultSizesDoubleFrom25ToTheWholeSplit() {
        #expect(LearningCurvePlan.defaultSizes(pool: 300) == [25, 50, 100, 200, 300])
        #expect(LearningCurvePlan.defaultSizes(pool: 200) == [25, 50, 100, 200])
        #expect(LearningCurvePlan.defaultSizes(pool: 25) == [25])
        #expect(LearningCurvePlan.defaultSizes(pool: 4) == [4])
    }

    @Test func badPlansAreRefusedNamingTheValue() throws {
        func message(_ make: () throws -> LearningCurvePlan) -> String? {
            do { _ = try make() } catch let error as LearningCurveError { return error.description } catch { return "\(error)" }
            return nil
        }
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [50, 25]) } == "the training-set sizes must increase: 25 follows 50")
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [50, 50]) } == "the training-set sizes must increase: 50 follows 50")
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [50, 101]) }?
            .hasPrefix("the training-set size 101 is larger than the training split of task 'moons', 100 samples") == true)
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [0, 10]) } == "the training-set size 0 is not positive")
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [10], seeds: []) }?.hasPrefix("no seed") == true)
        #expect(message { try Self.plan("two-spirals", sizes: [10]) }?.hasPrefix("task 'two-spirals' has the same samples in its training and validation splits") == true)
        // xor at its defaults is its truth table in every split: nothing is held out.
        #expect(message { try Self.plan("xor", sizes: nil) }?.hasPrefix("task 'xor' has the same samples") == true)
        #expect(message { try Self.plan("moons", ["n": "100"], arch: "dense(4) batchnorm relu dense(1)", sizes: [33]) }?
            .hasPrefix("the training-set size 33 of --sizes cannot be trained: ") == true)
        #expect(message { try Self.plan("moons", ["n": "100"], sizes: [25, 50, 100]) } == nil)
    }

    // The rules, on made-up figures: chance error 0.5, optimum 0, five seeds, so k = t(0.99, 4)
    // = 3.7469 and the fixed part of every margin is 0.1 · 0.5 = 0.05.

    static func point(_ size: Int, train: [Double], validation: [Double], diverged: Int = 0) -> LearningCurve.Point {
        LearningCurve.Point(size: size, train: train, validation: validation, diverged: diverged)
    }

    static func verdict(_ points: [LearningCurve.Point], optimum: Double = 0, chance: Double = 0.5) -> LearningCurve.Diagnosis {
        LearningCurve.Diagnosis(points: points, optimum: optimum, chance: chance, capacityLesson: nil)
    }

    static func five(_ value: Double) -> [Double] { [Double](repeating: value, count: 5) }

    @Test func bothErrorsHighAndCloseIsHighBias() {
        let points = [Self.point(10, train: Self.five(0.3), validation: Self.five(0.32)), Self.point(100, train: Self.five(0.25), validation: Self.five(0.26))]
        let diagnosis = Self.verdict(points)
        #expect(diagnosis.verdict == .highBias)
        #expect(abs(diagnosis.k - 3.7469) < 1e-4 && abs(diagnosis.bias - 0.25) < 1e-12 && abs(diagnosis.biasMargin - 0.05) < 1e-12)
        // The bias is read against the optimum: at an optimum of 0.25 the same errors are fine.
        #expect(Self.verdict(points, optimum: 0.25).verdict == .neither)
    }

    @Test func aWideGapThatDoesNotWidenIsHighVariance() {
        // random-labels: memorised, validation at chance, which is the optimum.
        let validation = [0.5, 0.48, 0.52, 0.5, 0.51]
        let points = [Self.point(16, train: Self.five(0), validation: validation), Self.point(256, train: Self.five(0), validation: validation)]
        #expect(Self.verdict(points, optimum: 0.5).verdict == .highVariance)
        // A gap that closes is high variance too.
        let closing = [Self.point(16, train: Self.five(0), validation: Self.five(0.5)), Self.point(256, train: Self.five(0.05), validation: Self.five(0.3))]
        #expect(Self.verdict(closing).verdict == .highVariance)
        // One that widens with data is not the pattern of variance.
        let widening = [Self.point(16, train: Self.five(0), validation: Self.five(0.02)), Self.point(256, train: Self.five(0), validation: Self.five(0.3))]
        #expect(Self.verdict(widening).verdict == .undecided)
    }

    @Test func smallErrorsAreNeitherAndLargeOnesBoth() {
        #expect(Self.verdict([Self.point(300, train: Self.five(0.01), validation: Self.five(0.04))]).verdict == .neither)
        #expect(Self.verdict([Self.point(300, train: Self.five(0.2), validation: Self.five(0.45))]).verdict == .highBiasAndVariance)
    }

    @Test func theSeedSpreadWidensTheMargin() {
        // A gap of 0.08 is wide when every seed agrees; with a spread of 0.1 across seeds it is
        // within 0.05 + 3.7469 · 0.1/√5 = 0.218, and not low either: undecided.
        let steady = Self.point(100, train: Self.five(0), validation: Self.five(0.08))
        #expect(Self.verdict([steady]).verdict == .highVariance)
        let spread = [0.08 - 0.1581, 0.08 - 0.0791, 0.08, 0.08 + 0.0791, 0.08 + 0.1581]
        let noisy = Self.point(100, train: Self.five(0), validation: spread)
        let diagnosis = Self.verdict([noisy])
        #expect(diagnosis.verdict == .undecided && diagnosis.gapMargin > 0.2)
    }

    @Test func neitherIsShownNotAssumed() {
        // A bias of 0.3 ± 0.33 over five seeds is not high (margin 0.05 + 3.7469 · 0.33/√5 =
        // 0.60), nor low (0.3 + 0.55 > 0.05): too few seeds to tell, not "neither".
        let spread = [0.0, 0.0, 0.25, 0.5, 0.75]
        let diagnosis = Self.verdict([Self.point(100, train: spread, validation: spread)])
        #expect(diagnosis.verdict == .undecided && diagnosis.reasons.last?.contains("more seeds") == true)
    }

    @Test func aDivergedSeedLeavesTheCurveUndecided() {
        let points = [Self.point(100, train: Self.five(0.3), validation: Self.five(0.3), diverged: 1)]
        #expect(Self.verdict(points).verdict == .undecided)
        // Every seed diverged: the errors are NaN; no figure is compared, the reason says so.
        let nan = [Double](repeating: .nan, count: 3)
        let diverged = Self.verdict([Self.point(25, train: [0.1, 0.1, 0.1], validation: [0.2, 0.2, 0.2]), Self.point(1000, train: nan, validation: nan, diverged: 3)])
        #expect(diverged.verdict == .undecided)
        #expect(diverged.reasons == ["3 of 3 seeds diverged at 1000 samples: no verdict; try a lower learning rate"])
    }

    @Test func validationSamplesAllInTheTrainingSplitAreNamed() throws {
        // xor at noise 0 repeats its 4 corners in every split: at --n 16 nothing is held out.
        let corners = try Self.plan("xor", ["n": "16"], arch: "dense(1)", sizes: [8, 16])
        #expect(corners.heldOutWarning?.hasPrefix("every one of the 4 validation samples of task 'xor' is also a training sample at 16 samples") == true)
        #expect(try Self.plan("xor", ["n": "16", "noise": "0.1"], arch: "dense(1)", sizes: [8, 16]).heldOutWarning == nil)
        #expect(try Self.plan("moons", ["n": "100"], sizes: [25, 100]).heldOutWarning == nil)
    }

    @Test func aGapThatMovesWithinRoundingOrTheSeedSpreadIsUnchanged() {
        // One seed: the spread term is 0; the gaps differ in their last bit only.
        let one = Self.verdict([Self.point(25, train: [0.1], validation: [0.1 + 0.092]), Self.point(100, train: [0.2], validation: [0.2 + 0.092])])
        #expect(one.reasons.contains { $0.hasSuffix(", unchanged") }, "\(one.reasons)")
        // Five seeds spread by 0.05: a fall of 0.01 is within k · √(2 · s²/5) ≈ 0.099 (s = 0.0418).
        let spread = [0.0, 0.05, 0.1, 0.05, 0.1]
        let noisy = Self.verdict([Self.point(25, train: Self.five(0), validation: spread.map { $0 + 0.3 }), Self.point(100, train: Self.five(0), validation: spread.map { $0 + 0.29 })])
        #expect(noisy.reasons.contains { $0.hasSuffix(", unchanged") }, "\(noisy.reasons)")
        // A fall past the spread is closing.
        let closing = Self.verdict([Self.point(25, train: Self.five(0), validation: Self.five(0.5)), Self.point(100, train: Self.five(0), validation: Self.five(0.3))])
        #expect(closing.reasons.contains { $0.hasSuffix(", closing") }, "\(closing.reasons)")
    }

    // The proof in miniature, small enough for a debug build.

    @Test func xorWithoutAHiddenLayerHasHighBias() throws {
        let curve = try Self.plan("xor", ["n": "16"], arch: "dense(1)", sizes: [8, 16], seeds: [0, 1, 2, 3, 4]).run(jobs: 2)
        #expect(curve.diagnosis.verdict == .highBias, "\(curve.diagnosis.reasons)")
        #expect(curve.measure == .classificationError && curve.optimum.value == 0 && curve.capacityLesson?.value == 0.25)
    }

    @Test func aWideNetworkOnRandomLabelsHasHighVariance() throws {
        let curve = try Self.plan(
            "random-labels", ["n": "64", "n-valid": "64"], arch: "dense(256) relu dense(2)", epochs: 60, sizes: [16, 64]
        ).run(jobs: 2)
        #expect(curve.diagnosis.verdict == .highVariance, "\(curve.diagnosis.reasons)")
        #expect(curve.optimum.value == 0.5)
    }

    @Test func theCurveIsTheSameAtAnyNumberOfJobs() throws {
        let plan = try Self.plan("moons", ["n": "40", "n-valid": "20"], arch: "dense(8) relu dense(1)", epochs: 5, sizes: [10, 20, 40])
        let serial = plan.run(jobs: 1)
        #expect(serial == plan.run(jobs: 3))
        #expect(serial.points.map(\.size) == [10, 20, 40] && serial.points.allSatisfy { $0.train.count == 3 })
    }
}
