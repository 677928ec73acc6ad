import NNBenchEngine
import NNBenchModel

extension ReferenceCheck {
    /// Where the bug is when the deepest differing parameter gradients are a recurrent layer's,
    /// every one of them, while every gradient above agrees; `nil` for any other case, which
    /// ``GradientLocation`` words.
    ///
    /// Parameter gradients alone cannot tell the layer's own backward through time (a state
    /// gradient not carried back, the cell's path through the forget gate dropped) from a wrong
    /// input gradient of the layer above: both change every gradient of the layer and below.
    /// The layer's output gradient can. With protocol 2's `layer_gradients`, d loss / d (its
    /// output) is compared with the reference's: when it agrees, the layer above passed the right
    /// gradient down and the bug is in the recurrent layer's own backward, which alone is named;
    /// when it differs, the layer above is the place (`nil`: ``GradientLocation`` says so).
    /// Without that op, the recurrent layer comes first, the longer and likelier wrong backward
    /// pass, and the layer above's input gradient is named as the other possibility.
    func throughTime(
        _ location: GradientLocation, reference: Network<Double>, batch: (inputs: Tensor<Double>, targets: Tensor<Double>),
        context: CheckContext, comparison: Comparison, training: Bool
    ) throws(ModelError) -> (sentence: String, symptom: Symptom, location: BugLocation)? {
        let layer = location.layer
        guard location.ownGradientOnly == nil, context.layers.indices.contains(layer), context.layers[layer].isRecurrent else { return nil }
        let own = Self.throughTimeCauses(of: context.layers[layer])
        let described = context.describe(layer: layer)
        if !training, context.info.version >= 2, context.info.ops.contains(.layerGradients) {
            let value = try context.model.layerGradients(inputs: batch.inputs, targets: batch.targets, training: false).outputs
            let wanted = reference.layerGradients(inputs: batch.inputs, targets: batch.targets, training: false).outputGradients
            guard value.indices.contains(layer), comparison.differs(value[layer], wanted[layer]) == nil else { return nil }
            return (
                "d loss / d the output of \(described) agrees with the reference's, so the layers above pass the right gradient down: "
                    + "the bug is in the backward through time of \(described) itself",
                Symptom(name: "a recurrent layer's backward through time differs from the reference", likelyCauses: own),
                context.location(layers: layer))
        }
        var places = location.suspects.map(context.describe(layer:))
        if location.lossSuspect { places.append("the loss") }
        let others = places.count <= 1 ? places.joined() : places.dropLast().joined(separator: ", ") + " or " + places.last!
        let above = location.suspects.flatMap { Symptom.backward(of: context.layers[$0], scale: nil).likelyCauses }
            + (location.lossSuspect ? Symptom.lossGradient(context.loss, scale: nil, batch: 0, outputs: 0).likelyCauses : [])
        var seen = Set<String>()
        return (
            "every gradient above it agrees and every one of this layer's differs, so the bug is likeliest in the backward "
                + "through time of \(described) itself; the other possibility is the gradient \(others) passes down into it "
                + "(the model has no 'layer_gradients' op to tell them apart)",
            Symptom(name: "a recurrent layer's gradients differ from the reference", likelyCauses: (own + above).filter { seen.insert($0).inserted }),
            .suspects(context.locate(layers: [layer] + location.suspects), loss: location.lossSuspect))
    }

    /// The ways a recurrent layer's own backward pass is commonly wrong.
    static func throughTimeCauses(of layer: LayerSpec) -> [String] {
        var causes = ["the hidden state's gradient not carried back to the previous step (backpropagation through time truncated)"]
        if case .lstm = layer { causes.append("the cell state's gradient not carried back through the forget gate (dc_{t−1} = dc_t·f dropped)") }
        causes += ["h_t used where h_{t−1} belongs in the recurrent gradient", "a gate's derivative wrong (σ′ or tanh′ of the pre-activation instead of the output)",
                   "W_ih and W_hh (or their transposes) mixed up in the backward pass"]
        return causes
    }
}
