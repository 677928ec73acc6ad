import NNBenchDatasets
import NNBenchIO

/// A digest of the numbers the engine computes: it changes exactly when a change to the numeric
/// code (a layer, a loss, an optimizer, a kernel, the initialisation) changes a result.
///
/// A hash of the source is not available at run time, and would change with every comment. So
/// the engine runs a fixed, tiny battery instead: a network with every layer type (dense with
/// each activation, conv2d, batchnorm, both pools, dropout, flatten) and several initialisers,
/// for every loss, two training steps with each optimizer (with and without weight decay,
/// momentum, Nesterov, centring) and both kinds of gradient clipping, in Float, on fixed inputs;
/// and the learning rates of every schedule. The SHA-256 of the bit patterns of every output,
/// loss, gradient, updated weight and running statistic is the fingerprint. It takes a few
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
    /// - Returns: The SHA-256 of the battery's results, in hexadecimal.
    static func compute() -> String {
        var bits = BitCollector()
        for loss in Loss.allCases {
            for (index, optimizer) in optimizers.enumerated() {
                let clip: ClipSpec? = index % 3 == 0 ? nil : index % 3 == 1 ? .norm(maxNorm: 0.5) : .value(clipValue: 0.01)
                runBattery(loss: loss, optimizer: optimizer, clipping: clip, into: &bits)
            }
        }
        for schedule in schedules {
            for step in [0, 1, 5, 9, 10, 30] {
                bits.append(Float(schedule.learningRate(base: 0.1, step: step, totalSteps: 20)))
            }
        }
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

    /// Every layer type, on a 1×6×6 image, ending in `outputs` values.
    static func layers(outputs: Int) -> [LayerSpec] {
        [
            .conv2d(filters: 3, kernel: 3, padding: 1, initializer: .heNormal), .batchNorm(), .relu, .maxPool2d(size: 2),
            .conv2d(filters: 2, kernel: 2, stride: 1, initializer: .lecunUniform), .avgPool2d(size: 2, stride: 1), .flatten,
            .dropout(rate: 0.25), .dense(units: 6, initializer: .glorotNormal), .leakyReLU(slope: 0.1),
            .dense(units: 5, initializer: .heUniform), .tanh, .dense(units: 5, initializer: .lecunNormal), .sigmoid,
            .dense(units: 5, bias: false), .softplus, .dense(units: 5), .gelu, .dense(units: 4), .identity, .batchNorm(momentum: 0.2),
            .dense(units: outputs, initializer: .constant(0.05)),
        ]
    }

    /// Two training steps of the battery network, recording everything that can be observed.
    private static func runBattery(loss: Loss, optimizer spec: OptimizerSpec, clipping: ClipSpec?, into bits: inout BitCollector) {
        let outputs = loss == .bceLogits ? 1 : 3
        let architecture: ResolvedArchitecture
        do {
            architecture = try ArchitectureSpec(layers(outputs: outputs)).resolve(inputShape: [1, 6, 6], outputWidth: outputs)
        } catch {
            preconditionFailure("the fingerprint's battery architecture does not resolve: \(error)")
        }
        let network = Network<Float>(architecture, loss: loss, seed: 11)
        let optimizer = Optimizer(spec, parameters: network.trainable)
        let samples = 5
        let inputs = Tensor<Float>(shape: [samples, 1, 6, 6], scalars: values(count: samples * 36, purpose: "inputs") { $0.normal() })
        let targets: Tensor<Float> = switch loss {
        case .mse: Tensor(shape: [samples, 3], scalars: values(count: samples * 3, purpose: "mse") { $0.uniform(-1, 1) })
        case .bceLogits: Tensor(shape: [samples, 1], scalars: values(count: samples, purpose: "bce") { Double($0.integer(below: 2)) })
        case .softmaxCrossEntropy: Tensor(shape: [samples], scalars: values(count: samples, purpose: "ce") { Double($0.integer(below: 3)) })
        }
        bits.append(network.forward(inputs).scalars)
        for _ in 0..<2 {
            let (value, inputGradient) = network.gradients(inputs: inputs, targets: targets, training: true)
            bits.append([value])
            bits.append(inputGradient.scalars)
            if let clipping { GradientClipping.apply(clipping, to: network.trainable) }
            for (_, gradient) in network.gradients { bits.append(gradient.scalars) }
            optimizer.step(learningRate: spec.learningRate)
            for (_, parameter) in network.parameters { bits.append(parameter.scalars) }
            for (_, state) in network.state { bits.append(state.scalars) }
        }
        bits.append(network.forward(inputs).scalars)
        bits.append([network.loss(inputs: inputs, targets: targets)])
    }

    /// `count` values from a fixed Philox stream, converted to Float.
    private static func values(count: Int, purpose: String, _ draw: (inout RandomStream) -> Double) -> [Float] {
        let key = StreamKey.make(seed: 0, purpose: "fingerprint/\(purpose)")
        return (0..<count).map { index in
            var stream = RandomStream(key: key, index: UInt64(index))
            return Float(draw(&stream))
        }
    }
}

/// The little-endian bit patterns of Float values, in the order they were appended.
private struct BitCollector {
    var bytes: [UInt8] = []

    mutating func append(_ value: Float) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ values: [Float]) {
        for value in values { append(value) }
    }
}
