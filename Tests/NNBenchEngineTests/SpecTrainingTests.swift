import Foundation
import Testing
import NNBenchEngine

@Suite("Spec optimizer, schedule and clip")
struct SpecTrainingTests {
    @Test("optimizers with PyTorch defaults", arguments: [
        ("sgd", OptimizerSpec.sgd(learningRate: 0.001), "sgd(lr: 0.001)"),
        ("sgd(0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-4)", .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4), "sgd(lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.0001)"),
        ("adam(0.01)", .adam(learningRate: 0.01), "adam(lr: 0.01)"),
        ("adam(lr: 0.001, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0)", .adam(beta1: 0.8, beta2: 0.99, epsilon: 1e-6), "adam(lr: 0.001, beta1: 0.8, beta2: 0.99, eps: 1e-06)"),
        ("adamw", .adamW(learningRate: 0.001, weightDecay: 0.01), "adamw(lr: 0.001)"),
        ("adamw(weight_decay: 0)", .adamW(weightDecay: 0), "adamw(lr: 0.001, weight_decay: 0)"),
        ("rmsprop", .rmsprop(learningRate: 0.01, alpha: 0.99, epsilon: 1e-8), "rmsprop(lr: 0.01)"),
        ("rmsprop(lr: 0.02, momentum: 0.5, centered: true)", .rmsprop(learningRate: 0.02, momentum: 0.5, centered: true), "rmsprop(lr: 0.02, momentum: 0.5, centered: true)"),
    ])
    func optimizers(text: String, expected: OptimizerSpec, canonical: String) throws {
        let optimizer = try OptimizerSpec(parsing: text)
        #expect(optimizer == expected)
        #expect(optimizer.description == canonical)
        #expect(try OptimizerSpec(parsing: canonical) == optimizer)
        #expect(try JSONDecoder().decode(OptimizerSpec.self, from: JSONEncoder().encode(optimizer)) == optimizer)
    }

    @Test func optimizerJSONObjects() throws {
        let sgd = try Self.optimizer(#"{"type":"sgd","lr":0.1,"momentum":0.9,"nesterov":true,"weight_decay":0}"#)
        #expect(sgd == .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(OptimizerSpec.adam(learningRate: 0.05))
        #expect(String(decoding: json, as: UTF8.self) == #"{"beta1":0.9,"beta2":0.999,"eps":1e-08,"lr":0.05,"type":"adam","weight_decay":0}"#)
    }

    @Test("optimizer errors", arguments: [
        ("sgd(lr: 0.1, nesterov: true)", "optimizer 'sgd': nesterov: needs momentum > 0", 13..<27),
        ("adam(lr: 0)", "optimizer 'adam': lr: expected a positive number, got 0", 5..<10),
        ("adam(beta1: 1)", "optimizer 'adam': beta1: expected a number in [0, 1), got 1", 5..<13),
        ("sgd(momentum: -0.5)", "optimizer 'sgd': momentum: expected a number in [0, 1), got -0.5", 4..<18),
        ("adam(momentum: 0.9)", "optimizer 'adam': unknown option 'momentum'; adam's options are: lr, beta1, beta2, eps, weight_decay", 5..<18),
        ("adm(0.1)", "unknown optimizer 'adm'; did you mean 'adam'?", 0..<8),
        ("adam sgd", "expected one optimizer", 5..<8),
    ])
    func optimizerErrors(text: String, description: String, range: Range<Int>) throws {
        let error = try #require(throws: SpecError.self) { try OptimizerSpec(parsing: text) }
        #expect(error.description == description)
        #expect(error.range == range)
    }

    /// An optimizer read from its JSON object.
    static func optimizer(_ json: String) throws -> OptimizerSpec {
        try JSONDecoder().decode(OptimizerSpec.self, from: Data(json.utf8))
    }

    @Test func optimizerJSONErrors() throws {
        let error = try #require(throws: SpecError.self) { try Self.optimizer(#"{"type":"sgd","lr":-1}"#) }
        #expect(error.description == "optimizer.lr: expected a positive number, got -1")
        let unknown = try #require(throws: SpecError.self) { try Self.optimizer(#"{"type":"lbfgs"}"#) }
        #expect(unknown.description == "optimizer.type: unknown optimizer 'lbfgs'; known: sgd, adam, adamw, rmsprop")
        let flag = try #require(throws: SpecError.self) { try Self.optimizer(#"{"type":"sgd","lr":0.1,"momentum":0.9,"nesterov":1}"#) }
        #expect(flag.description == "optimizer.nesterov: expected true or false, got 1")
    }

    @Test("schedules", arguments: [
        ("constant", ScheduleSpec(), "constant"),
        ("step(size: 30, gamma: 0.1)", ScheduleSpec(decay: .step(size: 30)), "step(size: 30)"),
        ("step(10, gamma: 0.5)", ScheduleSpec(decay: .step(size: 10, gamma: 0.5)), "step(size: 10, gamma: 0.5)"),
        ("cosine", ScheduleSpec(decay: .cosine()), "cosine"),
        ("cosine(min_lr: 0.001)", ScheduleSpec(decay: .cosine(minimumLearningRate: 0.001)), "cosine(min_lr: 0.001)"),
        ("warmup(steps: 100)", ScheduleSpec(warmupSteps: 100), "warmup(steps: 100)"),
        ("warmup(100) -> cosine", ScheduleSpec(warmupSteps: 100, decay: .cosine()), "warmup(steps: 100) cosine"),
    ])
    func schedules(text: String, expected: ScheduleSpec, canonical: String) throws {
        let schedule = try ScheduleSpec(parsing: text)
        #expect(schedule == expected)
        #expect(schedule.description == canonical)
        #expect(try ScheduleSpec(parsing: canonical) == schedule)
    }

    @Test func stepLearningRates() {
        let schedule = ScheduleSpec(decay: .step(size: 30, gamma: 0.1))
        let rates = [0, 29, 30, 59, 60].map { schedule.learningRate(base: 0.5, step: $0, totalSteps: 100) }
        let expected = [0.5, 0.5, 0.05, 0.05, 0.005]
        #expect(zip(rates, expected).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    @Test func cosineLearningRates() {
        let cosine = ScheduleSpec(decay: .cosine())
        #expect(cosine.learningRate(base: 1, step: 0, totalSteps: 100) == 1)
        #expect(abs(cosine.learningRate(base: 1, step: 25, totalSteps: 100) - (1 + 0.5.squareRoot()) / 2) < 1e-15)
        #expect(abs(cosine.learningRate(base: 1, step: 50, totalSteps: 100) - 0.5) < 1e-15)
        #expect(cosine.learningRate(base: 1, step: 100, totalSteps: 100) == 0)
        #expect(cosine.learningRate(base: 1, step: 130, totalSteps: 100) == 0)
        let floor = ScheduleSpec(decay: .cosine(minimumLearningRate: 0.1))
        #expect(abs(floor.learningRate(base: 1, step: 50, totalSteps: 100) - 0.55) < 1e-15)
    }

    @Test func warmupThenCosine() {
        let schedule = ScheduleSpec(warmupSteps: 4, decay: .cosine())
        let warmup = (0..<5).map { schedule.learningRate(base: 0.2, step: $0, totalSteps: 104) }
        #expect(warmup == [0.05, 0.1, 0.15000000000000002, 0.2, 0.2])
        #expect(abs(schedule.learningRate(base: 0.2, step: 54, totalSteps: 104) - 0.1) < 1e-15)
        #expect(ScheduleSpec(warmupSteps: 2).learningRate(base: 1, step: 0, totalSteps: 10) == 0.5)
    }

    @Test("schedule errors", arguments: [
        ("cosine warmup(steps: 10)", "schedule 'warmup': a warm-up must come first", 7..<24),
        ("cosine step(10)", "schedule 'step': a schedule has one decay after its optional warm-up", 7..<15),
        ("step(size: 0)", "schedule 'step': size: expected a positive integer, got 0", 5..<12),
        ("step(gamma: 0.5)", "schedule 'step': missing required option 'size'", 0..<16),
        ("cosin", "unknown schedule 'cosin'; did you mean 'cosine'?", 0..<5),
        ("", "the schedule is empty; write constant, step(size: N), cosine or warmup(steps: N)", 0..<0),
    ])
    func scheduleErrors(text: String, description: String, range: Range<Int>) throws {
        let error = try #require(throws: SpecError.self) { try ScheduleSpec(parsing: text) }
        #expect(error.description == description)
        #expect(error.range == range)
    }

    @Test func clips() throws {
        #expect(try ClipSpec(parsing: "norm(1.0)") == .norm(maxNorm: 1))
        #expect(try ClipSpec(parsing: "norm(max_norm: 2.5)").description == "norm(2.5)")
        #expect(try ClipSpec(parsing: "value(0.5)") == .value(clipValue: 0.5))
        #expect(try ClipSpec(parsing: "value(clip_value: 0.5)").description == "value(0.5)")
        let zero = try #require(throws: SpecError.self) { try ClipSpec(parsing: "norm(0)") }
        #expect(zero.description == "clip 'norm': max_norm: expected a positive number, got 0")
        let unknown = try #require(throws: SpecError.self) { try ClipSpec(parsing: "nrm(1)") }
        #expect(unknown.description == "unknown clip 'nrm'; did you mean 'norm'?")
    }
}
