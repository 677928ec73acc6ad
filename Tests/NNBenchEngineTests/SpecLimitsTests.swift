import Foundation
import NNBenchDatasets
import Testing
@testable import NNBenchEngine

/// Sizes the engine does not build, batches batchnorm cannot normalise, and a spec parser that
/// takes time linear in its input (issue 12): refused with a ``SpecError`` before anything is
/// allocated, never a crash.
@Suite("Spec limits")
struct SpecLimitsTests {
    private func failure(_ text: String, inputShape: [Int], outputWidth: Int? = 1) -> SpecError? {
        do {
            _ = try ArchitectureSpec(parsing: text).resolve(inputShape: inputShape, outputWidth: outputWidth)
            return nil
        } catch {
            return error
        }
    }

    @Test("a layer's output, conv2d's windows and the parameters are held to SizeLimits", arguments: [
        ("dense(99999999999) dense(1)", [2], 0, "its output [99999999999] holds more than 4194304 (2^22) values per sample"),
        ("conv2d(4, kernel: 3, padding: 100000) flatten dense(1)", [1, 8, 8], 0, "its output [4, 200006, 200006] holds more than"),
        ("conv2d(1, kernel: 1, padding: 999999999999999) flatten dense(1)", [1, 8, 8], 0, "holds more than 4194304 (2^22) values per sample"),
        ("conv2d(64, kernel: 64, padding: 31) flatten dense(1)", [64, 32, 32], 0, "its windows (64 channels × 64×64 at 31×31 positions) holds more than"),
        ("dense(4096) dense(4096) dense(4096) dense(4096) dense(4096) dense(1)", [2], 4, "brings the network past 67108864 (2^26) trainable values"),
    ] as [(String, [Int], Int, String)])
    func sizeLimits(spec: String, input: [Int], layer: Int, message: String) throws {
        let error = try #require(failure(spec, inputShape: input))
        #expect(error.layerIndex == layer, "\(error)")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("just below the limits resolves")
    func belowTheLimits() throws {
        #expect(failure("dense(4194304) dense(1)", inputShape: [1]) == nil)
        #expect(SizeLimits.product([1 << 40, 1 << 40], atMost: .max) == nil, "an overflowing product must not wrap")
        #expect(SizeLimits.product([1 << 11, 1 << 11], atMost: 1 << 22) == 1 << 22)
    }

    @Test("a batch larger than the activations' limit is refused")
    func batchLimit() throws {
        let resolved = try ArchitectureSpec(parsing: "dense(4096) dense(1)").resolve(inputShape: [2], outputWidth: 1)
        #expect(resolved.largestBatch == (1 << 28) / 4096)
        #expect(throws: SpecError.self) { try resolved.checkBatch(samples: resolved.largestBatch + 1, training: false) }
        try resolved.checkBatch(samples: resolved.largestBatch, training: false)
    }

    @Test("batchnorm in training needs more than one value per channel: one sample is refused, pointing at the layer")
    func batchnormOneSample() throws {
        let flat = try ArchitectureSpec(parsing: "dense(4) batchnorm tanh dense(1)").resolve(inputShape: [2], outputWidth: 1)
        let error = try #require(throws: SpecError.self) { try flat.checkBatch(samples: 1, training: true) }
        #expect(error.layerIndex == 1 && error.message.hasPrefix("batchnorm needs more than one value per channel in training mode"))
        try flat.checkBatch(samples: 2, training: true)
        try flat.checkBatch(samples: 1, training: false)
        // On images a channel has height × width values per sample: one sample is enough.
        let image = try ArchitectureSpec(parsing: "conv2d(2, kernel: 3) batchnorm flatten dense(1)").resolve(inputShape: [1, 4, 4], outputWidth: 1)
        try image.checkBatch(samples: 1, training: true)
    }

    @Test("a training run whose last batch leaves batchnorm one sample is refused before training")
    func lastBatch() throws {
        let task = try Generators.xor()
        let error = try #require(throws: SpecError.self) {
            try TrainingRun<Float>(
                task: task, architecture: try ArchitectureSpec(parsing: "dense(4) batchnorm tanh dense(1)"),
                configuration: TrainingConfiguration(optimizer: .sgd(learningRate: 0.1), epochs: 1, batchSize: 3))
        }
        #expect(error.message.contains("it is the last batch of each epoch (4 training samples in batches of 3)"), "\(error.message)")
    }

    @Test("a spec longer than the cap is refused at once, naming its length")
    func lengthCap() throws {
        let text = String(repeating: "dense(1) ", count: SpecParser.maximumLength / 9 + 1)
        let error = try #require(throws: SpecError.self) { try ArchitectureSpec(parsing: text) }
        #expect(error.message == "the spec is \(text.count) characters long; at most 65536 are accepted")
    }

    @Test("calls nest at most maximumDepth deep")
    func nestingCap() throws {
        let deep = String(repeating: "f(", count: 50) + String(repeating: ")", count: 50)
        let error = try #require(throws: SpecError.self) { try ArchitectureSpec(parsing: "dense(1, init: \(deep))") }
        #expect(error.message.hasPrefix("calls nest more than 8 deep"), "\(error.message)")
    }

    @Test("parsing is linear: 4 times the layers take well under 4² times as long")
    func linearParsing() throws {
        // A quadratic parser (each argument's text cut from a fresh copy of the whole source)
        // took 2 s for 3,000 layers with options in release; the ratio between two sizes shows
        // the growth whatever the machine's speed. Linear gives about 4, quadratic about 16; the
        // bound of 10 lies between them. The time is the thread's CPU time, not the wall clock:
        // in the full suite other tests share the two cores, and a preempted run measured on the
        // wall clock gave a ratio of 25 for linear code.
        func seconds(_ layers: Int) throws -> Double {
            let text = String(repeating: "dense(1, bias: false) ", count: layers)
            var best = Double.infinity
            for _ in 0..<5 {
                let start = threadCPUTime()
                _ = try ArchitectureSpec(parsing: text)
                best = min(best, threadCPUTime() - start)
            }
            return best
        }
        let small = try seconds(700), large = try seconds(2800)
        #expect(large / small < 10, "ratio \(large / small); 700 layers: \(small) s, 2800 layers: \(large) s")
    }
}

/// The calling thread's CPU time in seconds (`CLOCK_THREAD_CPUTIME_ID`).
private func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
