import NNBenchDatasets

extension EngineFingerprint {
    /// Sequence networks on 3 samples of 5 steps, for every loss: `[5, 3]` features through every
    /// recurrent cell (an LSTM with its forget-gate bias set, a GRU without biases, `rnn` with each
    /// nonlinearity, the last one keeping only its last step) with dense layers on the sequence
    /// between them, and `[5]` token indices through an embedding into per-step outputs. Each runs
    /// from set initial states: two Adam steps in Float, recording outputs, losses, gradients (of
    /// the initial states too), final states and per-step gradient norms; and one pass in Double.
    static func appendSequences(modifier: (() -> any NetworkModifier<Float>)?, into bits: inout BitCollector) {
        for loss in Loss.allCases {
            let outputs = loss == .bceLogits ? 1 : 3
            let features: [LayerSpec] = [
                .lstm(units: 4, forgetBias: 1), .dense(units: 4, initializer: .heNormal), .tanh, .gru(units: 3, bias: false),
                .rnn(units: 3, nonlinearity: .relu), .rnn(units: 4, sequence: false), .dense(units: outputs),
            ]
            let tokens: [LayerSpec] = [.embedding(vocabulary: 6, dim: 3), .gru(units: 4), .dense(units: outputs)]
            for (layers, input) in [(features, [5, 3]), (tokens, [5])] {
                let architecture: ResolvedArchitecture
                do {
                    architecture = try ArchitectureSpec(layers).resolve(inputShape: input, outputWidth: nil)
                } catch {
                    preconditionFailure("the fingerprint's sequence architecture does not resolve: \(error)")
                }
                let float = Network<Float>(architecture, loss: loss, seed: 12, modifier: modifier?())
                appendSequenceSteps(float, input: input, into: &bits) { bits, values in bits.append(values) }
                let double = Network<Double>(architecture, loss: loss, seed: 12)
                appendSequencePass(double, input: input, into: &bits) { bits, values in bits.append(values.map(\.bitPattern)) }
            }
        }
    }

    /// Two Adam steps from set initial states, recording everything observable.
    private static func appendSequenceSteps<Scalar: EngineScalar>(
        _ network: Network<Scalar>, input: [Int], into bits: inout BitCollector, append: (inout BitCollector, [Scalar]) -> Void
    ) {
        let optimizer = NetworkOptimizer(.adam(learningRate: 0.01), network: network)
        let (inputs, targets) = sequenceBatch(Scalar.self, input: input, loss: network.loss)
        for _ in 0..<2 {
            appendSequencePass(network, input: input, into: &bits, append: append)
            optimizer.step(inputs: inputs, targets: targets)
            for (_, parameter) in network.parameters { append(&bits, parameter.scalars) }
        }
    }

    /// One training-mode pass from set initial states: output, loss, input and parameter gradients,
    /// the initial states' gradients, the final states and the per-step gradient norms.
    private static func appendSequencePass<Scalar: EngineScalar>(
        _ network: Network<Scalar>, input: [Int], into bits: inout BitCollector, append: (inout BitCollector, [Scalar]) -> Void
    ) {
        let (inputs, targets) = sequenceBatch(Scalar.self, input: input, loss: network.loss)
        var states: [Int: RecurrentState<Scalar>] = [:]
        for layer in network.architecture.layers where layer.spec.isRecurrent {
            let units = layer.outputShape.last!
            func state(_ part: String) -> Tensor<Scalar> {
                Tensor(shape: [3, units], scalars: values(count: 3 * units, purpose: "state/\(layer.index)/\(part)") { $0.uniform(-1, 1) })
            }
            let hasCell = if case .lstm = layer.spec { true } else { false }
            states[layer.index] = RecurrentState(hidden: state("h"), cell: hasCell ? state("c") : nil)
        }
        do { try network.setInitialStates(states) } catch { preconditionFailure("the fingerprint's initial states do not fit: \(error)") }
        append(&bits, network.forward(inputs).scalars)
        let (loss, inputGradient) = network.gradients(inputs: inputs, targets: targets, training: true)
        append(&bits, [loss] + inputGradient.scalars)
        for (_, gradient) in network.gradients { append(&bits, gradient.scalars) }
        for index in states.keys.sorted() {
            append(&bits, network.initialStateGradients[index]!.parts.flatMap(\.scalars))
            append(&bits, network.finalStates[index]!.parts.flatMap(\.scalars))
            append(&bits, network.timeStepGradientNorms[index]!)
        }
    }

    /// Three fixed samples of `input` (token indices below 6 for a `[steps]` input) and per-step
    /// or per-sample targets for `loss`.
    private static func sequenceBatch<Scalar: EngineScalar>(_: Scalar.Type, input: [Int], loss: Loss) -> (inputs: Tensor<Scalar>, targets: Tensor<Scalar>) {
        let samples = 3, steps = input[0]
        let inputs = Tensor<Scalar>(
            shape: [samples] + input,
            scalars: input.count == 1
                ? values(count: samples * steps, purpose: "sequence/tokens") { Double($0.integer(below: 6)) }
                : values(count: samples * input.reduce(1, *), purpose: "sequence/inputs") { $0.normal() })
        // The token network answers per step, the feature network per sample.
        let rows = input.count == 1 ? samples * steps : samples
        let shape = input.count == 1 ? [samples, steps] : [samples]
        let targets: Tensor<Scalar> = switch loss {
        case .mse: Tensor(shape: shape + [3], scalars: values(count: rows * 3, purpose: "sequence/mse") { $0.uniform(-1, 1) })
        case .bceLogits: Tensor(shape: shape + [1], scalars: values(count: rows, purpose: "sequence/bce") { Double($0.integer(below: 2)) })
        case .softmaxCrossEntropy: Tensor(shape: shape, scalars: values(count: rows, purpose: "sequence/ce") { Double($0.integer(below: 3)) })
        }
        return (inputs, targets)
    }
}
