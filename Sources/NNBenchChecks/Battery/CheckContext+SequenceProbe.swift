import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

extension CheckContext {
    /// The architecture up to its last recurrent layer with every recurrent layer returning its
    /// whole sequence, `[steps, units]`: what the checks through time compare, so that a layer
    /// with `sequence: false` shows every step, not only the last. `nil` without recurrent layers.
    var sequenceProbe: ModelSpec? {
        guard let last = layers.lastIndex(where: \.isRecurrent) else { return nil }
        let probe = layers[...last].map { layer -> LayerSpec in
            switch layer {
            case .rnn(let units, let nonlinearity, _, let bias): .rnn(units: units, nonlinearity: nonlinearity, sequence: true, bias: bias)
            case .lstm(let units, _, let bias, let forgetBias): .lstm(units: units, sequence: true, bias: bias, forgetBias: forgetBias)
            case .gru(let units, _, let bias): .gru(units: units, sequence: true, bias: bias)
            default: layer
            }
        }
        return ModelSpec(inputShape: modelSpec.inputShape, architecture: ArchitectureSpec(probe))
    }
}

/// Initial states of recurrent layers as named tensors, so that the gradient check compares them
/// as it compares parameters: `L.h_0` and `L.c_0`, with `L` the layer's index.
enum InitialStates {
    /// The name of layer `layer`'s initial state part `part` (0: `h`, 1: `c`).
    static func name(layer: Int, part: Int) -> String { "\(layer).\(part == 0 ? "h_0" : "c_0")" }

    /// Whether `name` names an initial state.
    static func isName(_ name: String) -> Bool { name.hasSuffix(".h_0") || name.hasSuffix(".c_0") }

    /// Every state's parts by name.
    static func named(_ states: [Int: RecurrentState<Double>]) -> [String: Tensor<Double>] {
        var named: [String: Tensor<Double>] = [:]
        for (layer, state) in states {
            named[name(layer: layer, part: 0)] = state.hidden
            if let cell = state.cell { named[name(layer: layer, part: 1)] = cell }
        }
        return named
    }

    /// The states that `values` holds by name (other names are ignored).
    static func states(from values: [String: Tensor<Double>]) -> [Int: RecurrentState<Double>] {
        var states: [Int: RecurrentState<Double>] = [:]
        for (key, hidden) in values where key.hasSuffix(".h_0") {
            guard let layer = Int(key.prefix { $0 != "." }) else { continue }
            states[layer] = RecurrentState(hidden: hidden, cell: values[name(layer: layer, part: 1)])
        }
        return states
    }

    /// Random nonzero states for every recurrent layer of `architecture`: `h_0` uniform on
    /// ±0.8 (inside tanh's range, where a correct `h` lives), `c_0` on ±1.
    static func random(_ architecture: ResolvedArchitecture, samples n: Int, stream: inout RandomStream) -> [Int: RecurrentState<Double>] {
        var states: [Int: RecurrentState<Double>] = [:]
        for layer in architecture.layers where layer.spec.isRecurrent {
            let units = layer.outputShape.last!
            func draw(_ bound: Double) -> Tensor<Double> {
                Tensor(shape: [n, units], scalars: (0..<n * units).map { _ in stream.uniform(-bound, bound) })
            }
            let hidden = draw(0.8)
            if case .lstm = layer.spec { states[layer.index] = RecurrentState(hidden: hidden, cell: draw(1)) } else {
                states[layer.index] = RecurrentState(hidden: hidden)
            }
        }
        return states
    }
}
