/// Writes a task's data as one line of JSON.
///
/// Layout: one compact object and a final `\n`, keys in this order:
///
///     {"task":"moons","seed":0,"parameters":{"n":1000,"noise":0.1},"loss":"bce_logits",
///      "splits":{"train":{"x":{"shape":[n,2],"data":[...]},"y":{"shape":[n,1],"data":[...]}},
///                "valid":{...},"test":{...}}}
///
/// - `parameters`: the task's parameters in catalogue order; integers as integers, reals as
///   numbers, lists of reals as arrays.
/// - `splits`: the selected splits in the order train, valid, test. Each holds two tensors in the
///   layout of the model protocol's "Values" (`docs/protocol.md`): `x` of shape `[n, inputs]` (or `[n, c, h, w]`), and
///   `y` of shape `[n, outputs]` for `mse`, `[n, 1]` for `bce_logits`, `[n]` for `softmax_ce`;
///   `data` is flat and row-major.
/// - Numbers are the shortest text that reads back to the same `Double` (`0.1`, `1.0`, `-0.0`);
///   class labels and binary targets are integers. Non-finite values, which no generator
///   produces, are the bare tokens `NaN`, `Infinity`, `-Infinity` that the protocol accepts.
enum JSONWriter {
    /// Renders the selected splits of a task as JSON.
    ///
    /// - Complexity: O(number of values written).
    static func render(_ task: LearningTask, splits selection: SplitSelection) -> [UInt8] {
        let splits = selection.names.map { task[$0] }
        let values = splits.reduce(0) { $0 + $1.inputs.count + $1.targets.count }
        var text = TextBuffer(capacity: 256 + values * TextBuffer.bytesPerNumber)
        text.append("{\"task\":")
        text.append(jsonString: task.name)
        text.append(",\"seed\":")
        text.append(text: String(task.seed))
        text.append(",\"parameters\":{")
        for (index, parameter) in task.parameters.enumerated() {
            if index > 0 { text.append(",") }
            text.append(jsonString: parameter.name)
            text.append(":")
            switch parameter.value {
            case .integer(let value): text.append(integer: value)
            case .real(let value): text.append(jsonNumber: value)
            case .reals(let values): text.append(jsonArray: values[...], labels: false)
            }
        }
        text.append("},\"loss\":")
        text.append(jsonString: task.loss.rawValue)
        text.append(",\"splits\":{")
        let labels = task.kind.hasLabelTargets
        for (index, split) in splits.enumerated() {
            if index > 0 { text.append(",") }
            text.append(jsonString: split.name.rawValue)
            text.append(":{\"x\":")
            text.append(tensor: split.inputs, shape: [split.count] + split.inputShape, labels: false)
            text.append(",\"y\":")
            text.append(tensor: split.targets, shape: [split.count] + split.targetShape, labels: labels)
            text.append("}")
        }
        text.append("}}\n")
        return text.bytes
    }
}

extension TextBuffer {
    /// Appends a protocol tensor, `{"shape":[...],"data":[...]}`.
    fileprivate mutating func append(tensor data: [Double], shape: [Int], labels: Bool) {
        append("{\"shape\":[")
        for (index, dimension) in shape.enumerated() {
            if index > 0 { append(",") }
            append(integer: dimension)
        }
        append("],\"data\":")
        append(jsonArray: data[...], labels: labels)
        append("}")
    }

    /// Appends an array of numbers, or of integers when they are labels.
    fileprivate mutating func append(jsonArray values: ArraySlice<Double>, labels: Bool) {
        append("[")
        var first = true
        for value in values {
            if !first { append(",") }
            first = false
            if labels && value.isFinite { append(label: value) } else { append(jsonNumber: value) }
        }
        append("]")
    }

    /// Appends a number; non-finite values as the protocol's bare tokens.
    fileprivate mutating func append(jsonNumber value: Double) {
        if value.isFinite {
            append(number: value)
        } else {
            append(value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity")
        }
    }

    /// Appends a JSON string, escaping what RFC 8259 requires.
    fileprivate mutating func append(jsonString value: String) {
        append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case "\n": append("\\n")
            case "\t": append("\\t")
            case "\r": append("\\r")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                append("\\u")
                append(text: String(repeating: "0", count: 4 - hex.count) + hex)
            default: append(text: String(scalar))
            }
        }
        append("\"")
    }
}
