import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

extension GradientCheck {
    /// The gradient check through time, for an architecture with recurrent layers: what a check
    /// on the last step from `h_0 = 0` hides. The architecture up to its last recurrent layer,
    /// every recurrent layer returning its whole sequence, under mean squared error against
    /// random targets for every step: the loss reads every step's output `h_t` and the final
    /// state `h_T`. Every bias is drawn nonzero, every initial state `h_0` (and an LSTM's `c_0`)
    /// random and nonzero when the model takes them (`initial_state`, `docs/protocol.md`), and
    /// d loss / d h_0 is compared with the parameters' gradients, entry by entry, to the same
    /// bounds (``DerivativeProbe``). A bug that only a nonzero `h_0` shows (a step's recurrent
    /// term dropped where `h_{t−1}` is assumed zero) or only an early step (the gradient not
    /// carried back) fails here although the last-step loss hides it.
    struct ThroughTime {
        let context: CheckContext
        /// The architecture checked: the prefix up to the last recurrent layer, all sequences.
        let spec: ModelSpec
        /// The steps the recurrence runs.
        let steps: Int

        /// `nil` when the architecture has no recurrent layer.
        init?(_ context: CheckContext) {
            guard let spec = context.sequenceProbe else { return nil }
            (self.context, self.spec, steps) = (context, spec, context.modelSpec.inputShape[0])
        }

        /// Runs the comparison through time after `outcome`, the architecture's own, passed; the
        /// result is the worse of the two, with both figures in its notes.
        func run(then outcome: CheckOutcome, _ check: GradientCheck) throws(ModelError) -> CheckOutcome {
            let resolved: ResolvedArchitecture
            do { resolved = try spec.resolve(outputWidth: nil) } catch { throw .failed(.build, error.description) }
            let probeContext = CheckContext(model: context.model, info: context.info, modelSpec: spec, task: context.task, seed: context.seed)
            let order = try context.model.build(spec, loss: .mse, seed: context.seed).filter(\.trainable).map(\.name)
            let inputs = context.batch(4).inputs
            let n = inputs.shape[0]
            var stream = RandomStream(key: StreamKey.make(seed: context.seed, purpose: "check/gradient-through-time"), index: 0)
            let targetShape = [n] + resolved.outputShape
            let targets = Tensor(shape: targetShape, scalars: (0..<targetShape.reduce(1, *)).map { _ in stream.uniform(-1, 1) })
            // Nonzero biases: a bias term a backward pass drops or misplaces then shows.
            var parameters = try context.model.parameters()
            for name in parameters.keys.sorted() where name.split(separator: ".").last?.hasPrefix("bias") == true {
                parameters[name]!.scalars = parameters[name]!.scalars.map { _ in stream.uniform(-0.5, 0.5) }
            }
            try context.model.setParameters(parameters)
            let takesStates = context.info.ops.contains(.initialState)
            let states = takesStates ? InitialStates.random(resolved, samples: n, stream: &stream) : nil
            defer { if takesStates { try? context.model.setInitialStates(nil) } }
            // The loss averages one squared error per target value: each a rounding of its own.
            var throughTime = try check.compare(
                probeContext, order: order, batch: (inputs, targets), loss: .mse, outputWidth: 0, states: states,
                lossTerms: targets.scalars.count)
            let what = "through time: \(steps) step\(steps == 1 ? "" : "s"), every step's output and the final state in the loss, nonzero biases, "
                + (takesStates ? "random nonzero initial states (d loss / d h_0 compared too)"
                    : "h_0 = 0 (the model does not take 'initial_state')")
                + (steps < 4 ? "; fewer than 4 steps: early-step bugs may hide" : "")
            throughTime.notes = ["\(what): \(throughTime.figure)"] + throughTime.notes
            guard throughTime.status == .passed else {
                throughTime.diagnosis = "through time: " + (throughTime.diagnosis ?? "")
                if throughTime.location != .loss {
                    // The last-step check passed: the generic causes (a layer above, an activation's
                    // derivative) would have failed it too; those only steps and states show come first.
                    let worst = throughTime.measurements.max { Self.load($0) < Self.load($1) }
                    let layer = worst?.layer.flatMap { spec.architecture.layers.indices.contains($0) ? ($0, spec.architecture.layers[$0].name) : nil }
                    throughTime.symptom = .throughTime(tensor: worst?.name ?? "", layer: layer, takesStates: takesStates)
                }
                throughTime.measurements = throughTime.measurements.map(Self.markedThroughTime)
                throughTime.notes.append("the last-step comparison passed: \(outcome.figure)")
                return throughTime
            }
            var merged = (throughTime.load ?? 0) > (outcome.load ?? 0) ? throughTime : outcome
            merged.notes = outcome.notes + throughTime.notes
            merged.measurements = outcome.measurements + throughTime.measurements.map(Self.markedThroughTime)
            return merged
        }

        /// A measurement of the probe named as such (`1.h_0 (through time)`), so that charts of a
        /// check's tensors say which network it was taken on.
        private static func markedThroughTime(_ measurement: CheckMeasurement) -> CheckMeasurement {
            var measurement = measurement
            measurement.name += " (through time)"
            return measurement
        }

        /// A measurement's error as a fraction of its bound, a NaN above every other.
        private static func load(_ measurement: CheckMeasurement) -> Double {
            let load = measurement.error / measurement.bound
            return load.isNaN ? .infinity : load
        }
    }
}
