import NNBenchEngine
import NNBenchModel

extension ProtocolModel {
    func built(_ op: ModelOp) throws(ModelError) -> ResolvedArchitecture {
        guard let architecture else { throw .failed(op, "no network has been built") }
        return architecture
    }

    func number(_ answer: JSONValue, _ field: String, op: ModelOp) throws(ModelError) -> Double {
        guard let value = answer[field]?.number else {
            throw fail(op, "answered '\(op)' without a number '\(field)' (got \(answer[field]?.brief ?? "nothing"))",
                       hint: "answer \"\(field)\": <number>", restating: [.field(field)])
        }
        return value
    }

    func tensor(_ value: JSONValue?, shape expected: [Int], op: ModelOp, field: String) throws(ModelError) -> Tensor<Double> {
        guard let value, let shape = Self.shape(value["shape"]), case .array(let data)? = value["data"] else {
            throw fail(op, "answered '\(op)' with '\(field)' = \(value?.brief ?? "nothing"), not a tensor {\"shape\": [...], \"data\": [...]}",
                       hint: "write tensors as {\"shape\": [d0, ...], \"data\": [row-major values]}", restating: [.within(field)])
        }
        guard shape == expected else {
            // PyTorch's h0/c0 carry a leading (layers × directions) axis that the protocol's states do not.
            let layerAxis = field.hasPrefix("initial_state_grads") && shape == [1] + expected
            throw fail(op, "answered '\(op)' with '\(field)' of shape \(shape); expected \(expected)",
                       hint: layerAxis ? "drop the layer axis of PyTorch's h0/c0 (send h0[0], shaped [n, units]); see docs/protocol.md"
                           : "check the layer's output shape and the parameter layout in docs/protocol.md", restating: [.field(field)])
        }
        guard data.count == shape.reduce(1, *) else {
            throw fail(op, "answered '\(op)' with '\(field)' of shape \(shape) but \(data.count) values",
                       hint: "flatten the data in row-major order", restating: [.field(field)])
        }
        var scalars: [Double] = []
        scalars.reserveCapacity(data.count)
        for (i, element) in data.enumerated() {
            guard let number = element.number else {
                throw fail(op, "answered '\(op)' with '\(field).data[\(i)]' = \(element.brief), not a number", hint: "send numbers only",
                           restating: [.field("\(field).data[\(i)]")])
            }
            scalars.append(number)
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// An object holding exactly the tensors `expected`, each of its shape.
    func parameterTensors(
        _ value: JSONValue?, expected: [(name: String, shape: [Int])], op: ModelOp, field: String
    ) throws(ModelError) -> [String: Tensor<Double>] {
        let names = expected.map(\.name)
        guard case .object(let fields)? = value, Set(fields.keys) == Set(names) else {
            let got: String
            if case .object(let fields)? = value {
                // The difference is what to fix; the whole sets only when nothing is shared.
                let missing = names.filter { fields[$0] == nil }, extra = fields.keys.filter { !names.contains($0) }.sorted()
                got = missing.count < names.count
                    ? [missing.isEmpty ? nil : "without \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                       extra.isEmpty ? nil : "with \(extra.map { "'\($0)'" }.joined(separator: ", ")), which the model does not have"]
                        .compactMap { $0 }.joined(separator: " and ")
                    : "holding \(fields.keys.sorted()); expected exactly \(names)"
            } else {
                got = "holding \(value?.brief ?? "nothing"); expected exactly \(names)"
            }
            throw fail(op, "answered '\(op)' with '\(field)' \(got)",
                       hint: "answer an object {name: tensor} with every parameter", restating: [.field(field)])
        }
        var tensors: [String: Tensor<Double>] = [:]
        for parameter in expected {
            tensors[parameter.name] = try tensor(fields[parameter.name], shape: parameter.shape, op: op, field: "\(field).\(parameter.name)")
        }
        return tensors
    }

    static func shape(_ value: JSONValue?) -> [Int]? {
        guard case .array(let dimensions)? = value else { return nil }
        let shape = dimensions.compactMap(\.integer).filter { $0 >= 0 }
        return shape.count == dimensions.count ? shape : nil
    }

    static func seconds(_ value: Double) -> String {
        "\(JSONWriter.number(value)) s"
    }

    /// An array of tensors, one per entry of `shapes`, each of that shape.
    func tensors(_ value: JSONValue?, shapes: [[Int]], op: ModelOp, field: String) throws(ModelError) -> [Tensor<Double>] {
        guard case .array(let entries)? = value, entries.count == shapes.count else {
            throw fail(op, "answered '\(op)' with '\(field)' = \(value?.brief ?? "nothing"); expected an array of \(shapes.count) tensors, one per layer",
                       hint: "answer one tensor per layer, in order, activations included", restating: [.field(field)])
        }
        var tensors: [Tensor<Double>] = []
        for (i, shape) in shapes.enumerated() {
            tensors.append(try tensor(entries[i], shape: shape, op: op, field: "\(field)[\(i)]"))
        }
        return tensors
    }

    /// The `trace` of an answer (every layer's output) and, in training mode for a version-2
    /// program, its `masks`.
    func readTrace(
        _ answer: JSONValue, _ architecture: ResolvedArchitecture, samples n: Int, training: Bool, op: ModelOp
    ) throws(ModelError) -> Trace {
        guard case .array(let layers) = answer["trace"], layers.count == architecture.layers.count else {
            throw fail(op, "answered '\(op)' with trace: true without a 'trace' array of \(architecture.layers.count) tensors (one per layer)",
                       hint: "return every layer's output in order, activations included", restating: [.field("trace")])
        }
        let outputs = try tensors(answer["trace"], shapes: architecture.layers.map { [n] + $0.outputShape }, op: op, field: "trace")
        let masks = training && version >= 2 ? try readMasks(answer, architecture, samples: n, op: op) : [:]
        return Trace(outputs: outputs, masks: masks)
    }

    /// The `masks` of a training-mode answer: one per dropout layer, keyed by its index, shaped as
    /// the layer's input. Their values are the program's (0 and `1 / (1 − rate)` when its dropout
    /// is right); the checks judge them.
    func readMasks(_ answer: JSONValue, _ architecture: ResolvedArchitecture, samples n: Int, op: ModelOp) throws(ModelError) -> [Int: Tensor<Double>] {
        let dropouts = architecture.layers.filter { if case .dropout = $0.spec { true } else { false } }
        guard !dropouts.isEmpty else { return [:] }
        guard case .object(let fields)? = answer["masks"], Set(fields.keys) == Set(dropouts.map { String($0.index) }) else {
            throw fail(op, "answered '\(op)' in training mode with 'masks' = \(answer["masks"]?.brief ?? "nothing"); expected one mask per dropout layer, keyed \(dropouts.map { "\"\($0.index)\"" })",
                       hint: "report each dropout layer's mask of that pass (0 or 1/(1 − rate) per value, shaped as its input) under its layer index",
                       restating: [.field("masks")])
        }
        var masks: [Int: Tensor<Double>] = [:]
        for layer in dropouts {
            masks[layer.index] = try tensor(fields[String(layer.index)], shape: [n] + layer.inputShape, op: op, field: "masks.\(layer.index)")
        }
        return masks
    }

    /// The strings of a `hello` list (`layers`, `losses`, `optimizers`), or `nil` when absent.
    static func names(_ value: JSONValue?) -> Set<String>? {
        guard case .array(let names)? = value else { return nil }
        return Set(names.compactMap(\.string))
    }
}

extension ProtocolModel {
    /// `fields` with the `initial_state` field when states are set: `{"L": {"h": tensor, "c": tensor}}`.
    func withInitialStates(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        guard let initialStates else { return fields }
        var fields = fields
        fields["initial_state"] = .object(Dictionary(uniqueKeysWithValues: initialStates.map { index, state in
            var parts = ["h": JSONValue(tensor: state.hidden)]
            if let cell = state.cell { parts["c"] = JSONValue(tensor: cell) }
            return (String(index), JSONValue.object(parts))
        }))
        return fields
    }

    /// `gradients`' `initial_state_grads`, shaped as the states sent; empty when none were sent.
    /// An answer without them, with a layer missing or a layer never sent, breaks the protocol.
    func readInitialStateGradients(_ answer: JSONValue) throws(ModelError) -> [Int: RecurrentState<Double>] {
        guard let initialStates else { return [:] }
        let sent = initialStates.keys.sorted()
        let keys = sent.map { "\"\($0)\"" }.joined(separator: ", ")
        let answerThem = "answer d loss/d h_0 (and d loss/d c_0 for an lstm) for every layer of the request's initial_state, or drop"
            + " \"initial_state\" from hello's ops (nnbench then starts every recurrent layer from zeros)"
        guard case .object(let fields)? = answer["initial_state_grads"] else {
            let got = answer["initial_state_grads"].map { "'initial_state_grads' = \($0.brief), not an object" } ?? "no 'initial_state_grads'"
            throw fail(.gradients, "answered 'gradients' to a request carrying initial_state with \(got); expected {layer: {\"h\": tensor, \"c\": tensor (lstm)}} keyed \(keys)",
                       hint: answerThem, restating: [.within("initial_state_grads")])
        }
        if let stray = fields.keys.sorted().first(where: { key in !sent.contains { String($0) == key } }) {
            throw fail(.gradients, "answered 'gradients' with 'initial_state_grads.\(stray)', a layer whose initial state the request did not carry (it carried \(keys))",
                       hint: "answer initial_state_grads for the layers of the request's initial_state only", restating: [.within("initial_state_grads.\(stray)")])
        }
        var gradients: [Int: RecurrentState<Double>] = [:]
        for (index, state) in initialStates.sorted(by: { $0.key < $1.key }) {
            let field = "initial_state_grads.\(index)"
            let parts = state.cell == nil ? ["h"] : ["h", "c"]
            guard case .object(let entry)? = fields[String(index)] else {
                throw fail(.gradients, "answered 'gradients' without an entry for layer \(index) in 'initial_state_grads' (got \(fields[String(index)]?.brief ?? "nothing")); expected {\(parts.map { "\"\($0)\": tensor" }.joined(separator: ", "))}",
                           hint: answerThem, restating: [.within(field)])
            }
            if let missing = parts.first(where: { entry[$0] == nil }) {
                throw fail(.gradients, "answered 'gradients' without '\(field).\(missing)' (d loss/d \(missing)_0 of layer \(index)\(missing == "c" ? ", an lstm" : ""))",
                           hint: answerThem, restating: [.within("\(field).\(missing)")])
            }
            let hidden = try tensor(entry["h"], shape: state.hidden.shape, op: .gradients, field: field + ".h")
            let cell = try state.cell.map { cell throws(ModelError) in
                try tensor(entry["c"], shape: cell.shape, op: .gradients, field: field + ".c")
            }
            gradients[index] = RecurrentState(hidden: hidden, cell: cell)
        }
        return gradients
    }
}
