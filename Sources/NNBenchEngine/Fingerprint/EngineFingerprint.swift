import NNBenchDatasets
import NNBenchIO

/// A digest of the numbers the engine computes: it changes exactly when a change to the numeric
/// code (a layer, a loss, an optimizer, a kernel, the initialisation) changes a result.
///
/// A hash of the source is not available at run time, and would change with every comment. So
/// the engine runs a fixed battery instead, and the SHA-256 of the bit patterns of everything it
/// computes is the fingerprint. It covers:
///
/// - a network with every layer type (dense with each activation, conv2d with padding, batchnorm
///   after a conv and after a dense layer, max and average pooling, dropout in training mode,
///   flatten) and every initialiser family, for every loss: two training steps with each optimizer
///   (with and without weight decay, momentum, Nesterov, centring, decoupled decay) and both kinds
///   of gradient clipping, recording outputs, losses, input and parameter gradients, updated
///   weights and running statistics, in Float;
/// - the same network's forward pass and gradients in Double, the precision the checks use;
/// - every path of the matrix product, in Float and Double: all four transpositions, beta 0 and 1,
///   the small-product path (n ≤ 64, k ≤ 256), the blocked driver with k beyond one 256-deep
///   panel and m beyond one 144-row block, and a product split between two threads;
/// - the learning rates of every schedule;
/// - the sequence layers (``appendSequences(modifier:into:)``): every recurrent cell with and
///   without biases, both `rnn` nonlinearities, whole sequences and last steps, an embedding, dense
///   on a sequence, per-step losses, initial states and their gradients, final states and the
///   per-step gradient norms.
///
/// Not covered, because they are recorded beside it: which matrix kernel runs (AVX2 + FMA or
/// portable, ``PlatformDescription``) and the data (each task's own fingerprint). It takes a few
/// milliseconds.
public enum EngineFingerprint {
    /// The engine's version, recorded with baselines next to the fingerprint.
    public static let version = "0.1.0"

    /// The fingerprint of this build of the engine on this machine, as 64 hexadecimal digits.
    ///
    /// The GEMM kernel in use (AVX2 or portable) may change the last bits, so fingerprints are
    /// compared together with ``PlatformDescription``.
    public static let current: String = compute()

    /// Runs the battery and hashes its results.
    ///
    /// - Parameters:
    ///   - modifier: Makes each network of the battery a modified one (``NetworkModifier``), so
    ///     that a test can show the fingerprint moves when the numbers do; `nil` for the engine's.
    ///   - rule: Wraps each optimizer's update rule likewise; `nil` for the engine's.
    /// - Returns: The SHA-256 of the battery's results, in hexadecimal.
    package static func compute(
        modifier: (() -> any NetworkModifier<Float>)? = nil,
        rule: ((OptimizerSpec, [Parameter<Float>]) -> any UpdateRule<Float>)? = nil
    ) -> String {
        var bits = BitCollector()
        for loss in Loss.allCases {
            for (index, optimizer) in optimizers.enumerated() {
                let clip: ClipSpec? = index % 3 == 0 ? nil : index % 3 == 1 ? .norm(maxNorm: 0.5) : .value(clipValue: 0.01)
                let network = Network<Float>(network(outputs: loss == .bceLogits ? 1 : 3), loss: loss, seed: 11, modifier: modifier?())
                let update = rule?(optimizer, network.trainable) ?? Optimizer.rule(optimizer, parameters: network.trainable)
                runBattery(network, optimizer: Optimizer(rule: update), learningRate: optimizer.learningRate, clipping: clip, into: &bits)
            }
            let network = Network<Double>(network(outputs: loss == .bceLogits ? 1 : 3), loss: loss, seed: 11)
            let (inputs, targets) = batch(Double.self, loss: loss)
            bits.append(network.forward(inputs).scalars.map(\.bitPattern))
            let (value, inputGradient) = network.gradients(inputs: inputs, targets: targets, training: true)
            bits.append([value.bitPattern] + inputGradient.scalars.map(\.bitPattern))
            for (_, gradient) in network.gradients { bits.append(gradient.scalars.map(\.bitPattern)) }
        }
        for schedule in schedules {
            for step in [0, 1, 5, 9, 10, 30] {
                bits.append(Float(schedule.learningRate(base: 0.1, step: step, totalSteps: 20)))
            }
        }
        appendProducts(Float.self, into: &bits) { bits, values in bits.append(values) }
        appendProducts(Double.self, into: &bits) { bits, values in bits.append(values.map(\.bitPattern)) }
        appendSequences(modifier: modifier, into: &bits)
        return HexDigest.sha256(bits.bytes)
    }

    /// Every optimizer, with and without its options.
    static let optimizers: [OptimizerSpec] = [
        .sgd(learningRate: 0.1),
        .sgd(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        .sgd(learningRate: 0.05, momentum: 0.8),
        .adam(learningRate: 0.01),
        .adam(learningRate: 0.01, weightDecay: 0.1),
        .adamW(learningRate: 0.01, weightDecay: 0.1),
        .rmsprop(learningRate: 0.01),
        .rmsprop(learningRate: 0.01, momentum: 0.9, weightDecay: 0.01, centered: true),
    ]

    /// Every decay, with and without a warm-up.
    static let schedules: [ScheduleSpec] = [
        ScheduleSpec(), ScheduleSpec(decay: .step(size: 4, gamma: 0.5)), ScheduleSpec(decay: .cosine(minimumLearningRate: 0.001)),
        ScheduleSpec(warmupSteps: 3, decay: .cosine()),
    ]

    /// Every layer type, on a 1×6×6 image, ending in `outputs` values: overlapping max and average
    /// pooling, and a padded convolution of stride 2.
    static func layers(outputs: Int) -> [LayerSpec] {
        [
            .conv2d(filters: 3, kernel: 3, padding: 1, initializer: .heNormal), .batchNorm(), .relu, .maxPool2d(size: 2, stride: 1),
            .conv2d(filters: 2, kernel: 3, stride: 2, padding: 1, initializer: .lecunUniform), .avgPool2d(size: 2, stride: 1), .flatten,
            .dropout(rate: 0.25), .dense(units: 6, initializer: .glorotNormal), .leakyReLU(slope: 0.1),
            .dense(units: 5, initializer: .heUniform), .tanh, .dense(units: 5, initializer: .lecunNormal), .sigmoid,
            .dense(units: 5, bias: false), .softplus, .dense(units: 5), .gelu, .dense(units: 4), .identity, .batchNorm(momentum: 0.2),
            .dense(units: outputs, initializer: .constant(0.05)),
        ]
    }

    /// The battery network, resolved for a 1×6×6 input and `outputs` values.
    private static func network(outputs: Int) -> ResolvedArchitecture {
        do {
            return try ArchitectureSpec(layers(outputs: outputs)).resolve(inputShape: [1, 6, 6], outputWidth: outputs)
        } catch {
            preconditionFailure("the fingerprint's battery architecture does not resolve: \(error)")
        }
    }

    /// Five fixed input images and targets for `loss`.
    private static func batch<Scalar: EngineScalar>(_: Scalar.Type, loss: Loss) -> (Tensor<Scalar>, Tensor<Scalar>) {
        let samples = 5
        let inputs = Tensor<Scalar>(shape: [samples, 1, 6, 6], scalars: values(count: samples * 36, purpose: "inputs") { $0.normal() })
        let targets: Tensor<Scalar> = switch loss {
        case .mse: Tensor(shape: [samples, 3], scalars: values(count: samples * 3, purpose: "mse") { $0.uniform(-1, 1) })
        case .bceLogits: Tensor(shape: [samples, 1], scalars: values(count: samples, purpose: "bce") { Double($0.integer(below: 2)) })
        case .softmaxCrossEntropy: Tensor(shape: [samples], scalars: values(count: samples, purpose: "ce") { Double($0.integer(below: 3)) })
        }
        return (inputs, targets)
    }

    /// Two training steps of the battery network, recording everything that can be observed.
    private static func runBattery(
        _ network: Network<Float>, optimizer: Optimizer<Float>, learningRate: Double, clipping: ClipSpec?,
        into bits: inout BitCollector
    ) {
        let (inputs, targets) = batch(Float.self, loss: network.loss)
        bits.append(network.forward(inputs).scalars)
        for _ in 0..<2 {
            let (value, inputGradient) = network.gradients(inputs: inputs, targets: targets, training: true)
            bits.append([value])
            bits.append(inputGradient.scalars)
            if let clipping { GradientClipping.apply(clipping, to: network.trainable) }
            for (_, gradient) in network.gradients { bits.append(gradient.scalars) }
            optimizer.step(learningRate: learningRate)
            for (_, parameter) in network.parameters { bits.append(parameter.scalars) }
            for (_, state) in network.state { bits.append(state.scalars) }
        }
        bits.append(network.forward(inputs).scalars)
        bits.append([network.loss(inputs: inputs, targets: targets)])
    }

    /// Products reaching every path of the matrix kernels: (m, n, k) small (n ≤ 64, k ≤ 256),
    /// blocked with k over two panels and m over two row blocks, and wide (n > 64), each with every
    /// transposition and beta 0 and 1, on one thread and on two.
    private static func appendProducts<Scalar: EngineScalar>(
        _: Scalar.Type, into bits: inout BitCollector, append: (inout BitCollector, [Scalar]) -> Void
    ) {
        let shapes = [(m: 7, n: 20, k: 30), (m: 150, n: 40, k: 300), (m: 13, n: 70, k: 9)]
        for (m, n, k) in shapes {
            let a: [Scalar] = values(count: m * k, purpose: "gemm/a") { $0.uniform(-1, 1) }
            let b: [Scalar] = values(count: k * n, purpose: "gemm/b") { $0.uniform(-1, 1) }
            let start: [Scalar] = values(count: m * n, purpose: "gemm/c") { $0.uniform(-1, 1) }
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for (beta, threads) in [(Scalar(0), 1), (Scalar(1), 1), (Scalar(1), 2)] {
                        var c = start
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    Scalar.gemm(
                                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                        a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!, ldb: transposeB ? k : n,
                                        beta: beta, c: c.baseAddress!, ldc: n, threads: threads)
                                }
                            }
                        }
                        append(&bits, c)
                    }
                }
            }
        }
    }

    /// `count` values from a fixed Philox stream, converted to the scalar type.
    static func values<Scalar: EngineScalar>(count: Int, purpose: String, _ draw: (inout RandomStream) -> Double) -> [Scalar] {
        let key = StreamKey.make(seed: 0, purpose: "fingerprint/\(purpose)")
        return (0..<count).map { index in
            var stream = RandomStream(key: key, index: UInt64(index))
            return Scalar(draw(&stream))
        }
    }
}

/// The little-endian bit patterns of values, in the order they were appended.
struct BitCollector {
    var bytes: [UInt8] = []

    mutating func append(_ value: Float) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ values: [Float]) {
        for value in values { append(value) }
    }

    mutating func append(_ patterns: [UInt64]) {
        for pattern in patterns { withUnsafeBytes(of: pattern.littleEndian) { bytes.append(contentsOf: $0) } }
    }
}
