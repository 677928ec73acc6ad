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
    /// The layout of the selected splits as JSON: the task's description, then two passes per
    /// split, one over its inputs and one over its targets.
    static func layout(_ source: DatasetSource, splits selection: SplitSelection) -> ExportLayout {
        let task = source.task
        var head = TextBuffer(capacity: 256)
        head.append("{\"task\":")
        head.append(jsonString: task.name)
        head.append(",\"seed\":")
        head.append(text: String(task.seed))
        head.append(",\"parameters\":{")
        for (index, parameter) in task.parameters.enumerated() {
            if index > 0 { head.append(",") }
            head.append(jsonString: parameter.name)
            head.append(":")
            switch parameter.value {
            case .integer(let value): head.append(integer: value)
            case .real(let value): head.append(jsonNumber: value)
            case .reals(let values): head.append(jsonArray: values)
            }
        }
        head.append("},\"loss\":")
        head.append(jsonString: task.loss.rawValue)
        head.append(",\"splits\":{")
        let labels = task.kind.hasLabelTargets
        var passes: [ExportLayout.Pass] = []
        for (index, name) in selection.names.enumerated() {
            let count = source.sizes[name]
            var inputsPrefix = TextBuffer(capacity: 64)
            if index > 0 { inputsPrefix.append(",") }
            inputsPrefix.append(jsonString: name.rawValue)
            inputsPrefix.append(":{\"x\":")
            inputsPrefix.append(tensorStart: [count] + task.inputShape)
            passes.append(ExportLayout.Pass(split: name, prefix: inputsPrefix.bytes, suffix: Array("]}".utf8)) { samples, first in
                values(samples.inputs, labels: false, first: first)
            })
            var targetsPrefix = TextBuffer(capacity: 64)
            targetsPrefix.append(",\"y\":")
            targetsPrefix.append(tensorStart: [count] + task.targetShape)
            passes.append(ExportLayout.Pass(split: name, prefix: targetsPrefix.bytes, suffix: Array("]}}".utf8)) { samples, first in
                values(samples.targets, labels: labels, first: first)
            })
        }
        return ExportLayout(head: head.bytes, passes: passes, tail: Array("}}\n".utf8))
    }

    /// A block's values in a tensor's `data` list, a comma first unless the block begins it.
    ///
    /// - Complexity: O(number of values written).
    private static func values(_ values: [Double], labels: Bool, first: Bool) -> [UInt8] {
        var text = TextBuffer(capacity: values.count * TextBuffer.bytesPerNumber)
        for (index, value) in values.enumerated() {
            if index > 0 || !first { text.append(",") }
            if labels && value.isFinite { text.append(label: value) } else { text.append(jsonNumber: value) }
        }
        return text.bytes
    }
}

extension TextBuffer {
    /// Appends the start of a protocol tensor, `{"shape":[...],"data":[`; its values and `]}`
    /// follow.
    fileprivate mutating func append(tensorStart shape: [Int]) {
        append("{\"shape\":[")
        for (index, dimension) in shape.enumerated() {
            if index > 0 { append(",") }
            append(integer: dimension)
        }
        append("],\"data\":[")
    }

    /// Appends an array of numbers.
    fileprivate mutating func append(jsonArray values: [Double]) {
        append("[")
        for (index, value) in values.enumerated() {
            if index > 0 { append(",") }
            append(jsonNumber: value)
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
