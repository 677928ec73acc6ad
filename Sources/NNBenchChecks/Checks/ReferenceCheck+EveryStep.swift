import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

extension ReferenceCheck {
    /// The same-weights comparison at every time step: the architecture's ``CheckContext/sequenceProbe``
    /// (every recurrent layer returning its whole sequence, so that a `sequence: false` layer shows
    /// each step, not only the last) built in the model with the model's own weights of those
    /// layers, from random nonzero initial states when the model takes them (`initial_state`),
    /// every layer's output against the reference engine's. A mismatch names the layer and the
    /// first time step that differs.
    ///
    /// - Returns: `after` with a note on what was compared, or the failure.
    func compareEverySteps(_ context: CheckContext, comparison: Comparison, after outcome: CheckOutcome) throws(ModelError) -> CheckOutcome {
        guard let spec = context.sequenceProbe, context.info.ops.contains(.trace) else { return outcome }
        let model = context.model
        let weights = try model.parameters()
        let names = Set(try model.build(spec, loss: .mse, seed: context.seed).map(\.name))
        defer { _ = try? context.build() }
        let parameters = weights.filter { names.contains($0.key) }
        try model.setParameters(parameters)
        let resolved: ResolvedArchitecture
        do { resolved = try spec.resolve(outputWidth: nil) } catch { throw .failed(.build, error.description) }
        let reference = Network<Double>(resolved, loss: .mse, seed: context.seed)
        do { try reference.setParameters(parameters) } catch { throw .failed(.getParams, error.description) }
        let inputs = context.batch(8).inputs
        let takesStates = context.info.ops.contains(.initialState)
        if takesStates {
            var stream = RandomStream(key: StreamKey.make(seed: context.seed, purpose: "check/reference-every-step"), index: 0)
            let states = InitialStates.random(resolved, samples: inputs.shape[0], stream: &stream)
            try model.setInitialStates(states)
            do { try reference.setInitialStates(states) } catch { throw .failed(.initialState, error.description) }
        }
        defer { if takesStates { try? model.setInitialStates(nil) } }
        guard let trace = try model.forward(inputs, training: false, trace: true).trace?.outputs else { return outcome }
        let expected = reference.trace(inputs)
        let start = takesStates ? "random nonzero initial states" : "h_0 = 0 (the model does not take 'initial_state')"
        for (layer, (value, wanted)) in zip(trace, expected).enumerated() {
            guard let (difference, index) = comparison.differs(value, wanted) else { continue }
            var symptom = Symptom.forward(at: spec.architecture.layers.indices.contains(layer) ? spec.architecture.layers[layer] : nil, among: spec.architecture.layers)
            if takesStates, comparison.firstDifferingStep(value, wanted)?.step == 0 {
                // The last step from zeros agreed and step 0 from nonzero states does not: the
                // states were not used.
                symptom = Symptom(name: symptom.name, likelyCauses: ["the forward pass ignores initial_state (starts from zeros)"] + symptom.likelyCauses)
            }
            return .failed(
                "|Δ| \(short(difference)) at \(context.describe(layer: layer)), every step", bound: comparison.bound,
                "every step from \(start): first differing layer: \(context.describe(layer: layer)) output\(wanted.position(index)) "
                    + "is \(short(value.scalars[safe: index])), reference \(short(wanted.scalars[index]))" + comparison.firstStep(value, wanted),
                symptom, notes: outcome.notes + ["the last-step comparison passed"], at: context.location(layers: layer))
        }
        var passed = outcome
        passed.notes.append("every step of every recurrent layer compared (the layers up to the last recurrent one, each returning its sequence), from \(start)")
        return passed
    }
}
