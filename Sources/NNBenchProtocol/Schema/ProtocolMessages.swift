import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// Every message of the model protocol, version 2 (`docs/protocol.md`): each op's request and its
/// `ok: true` answer, and the `ok: false` answer. Fields that version 2 adds are optional, so a
/// version 1 message is valid too.
enum ProtocolMessages {
    /// Every message, requests then answers, in the order of `docs/protocol.md`'s table of ops.
    static var all: [MessageSchema] {
        ops.flatMap { [$0.request, $0.answer] } + [error]
    }

    /// The request and answer of the op named `op`.
    static func messages(of op: String) -> (request: MessageSchema, answer: MessageSchema)? {
        ops.first { $0.request.name == "\(op).request" }
    }

    // MARK: Values

    private static let tensor = ValueSchema.tensor
    private static let tensors = ValueSchema.array(.tensor)
    private static let namedTensors = ValueSchema.map(.tensor)
    private static let layerTypes = LayerSpec.typeNames
    private static let lossNames = Loss.allCases.map(\.rawValue)

    private static let layer = ValueSchema.object([
        FieldSchema("type", .string(values: layerTypes), "the layer type"),
        FieldSchema("units", .integer(minimum: 1), required: false, "dense, rnn, lstm, gru: output units"),
        FieldSchema("bias", .boolean, required: false, "dense, conv2d, rnn, lstm, gru: whether there are biases"),
        FieldSchema("init", .string(), required: false, "dense, conv2d: the weights' initialiser"),
        FieldSchema("slope", .number, required: false, "leaky_relu: the slope for x < 0"),
        FieldSchema("rate", .number, required: false, "dropout: the drop probability"),
        FieldSchema("momentum", .number, required: false, "batchnorm: the running statistics' momentum"),
        FieldSchema("eps", .number, required: false, "batchnorm: added to the variance"),
        FieldSchema("filters", .integer(minimum: 1), required: false, "conv2d: output channels"),
        FieldSchema("kernel", .integer(minimum: 1), required: false, "conv2d: the kernel's side"),
        FieldSchema("stride", .integer(minimum: 1), required: false, "conv2d, pooling: the stride"),
        FieldSchema("padding", .integer(minimum: 0), required: false, "conv2d: zero padding on each side"),
        FieldSchema("size", .integer(minimum: 1), required: false, "pooling: the window's side"),
        FieldSchema("nonlinearity", .string(values: RecurrentNonlinearity.allCases.map(\.rawValue)), required: false, "rnn: the activation"),
        FieldSchema("sequence", .boolean, required: false, "rnn, lstm, gru: every step's output (true) or the last step's"),
        FieldSchema("forget_bias", .number, required: false, "lstm: where the forget gate's bias starts (absent: drawn as the others)"),
        FieldSchema("vocabulary", .integer(minimum: 1), required: false, "embedding: the number of tokens"),
        FieldSchema("dim", .integer(minimum: 1), required: false, "embedding: the values per token"),
    ])
    private static let model = ValueSchema.object([
        FieldSchema("inputs", .anyOf([.integer(minimum: 1), .array(.integer(minimum: 1))]), "features, [steps, features], or [channels, height, width]"),
        FieldSchema("layers", .array(layer), "the layers, numbered from 0"),
    ])
    private static let optimizer = ValueSchema.object([
        FieldSchema("type", .string(values: OptimizerSpec.typeNames), "the optimizer"),
        FieldSchema("lr", .number, "the learning rate"),
        FieldSchema("momentum", .number, required: false, "sgd, rmsprop"),
        FieldSchema("nesterov", .boolean, required: false, "sgd"),
        FieldSchema("weight_decay", .number, required: false, "every optimizer"),
        FieldSchema("beta1", .number, required: false, "adam, adamw"),
        FieldSchema("beta2", .number, required: false, "adam, adamw"),
        FieldSchema("eps", .number, required: false, "adam, adamw, rmsprop"),
        FieldSchema("alpha", .number, required: false, "rmsprop"),
        FieldSchema("centered", .boolean, required: false, "rmsprop"),
    ])

    // MARK: Fields

    private static func request(_ op: String, _ fields: [FieldSchema], _ summary: String) -> MessageSchema {
        MessageSchema(name: "\(op).request", summary: summary, fields: [
            FieldSchema("id", .integer(), "the request's number, repeated in its answer"),
            FieldSchema("op", .string(values: [op]), "the op"),
        ] + fields)
    }

    private static func answer(_ op: String, _ fields: [FieldSchema], _ summary: String) -> MessageSchema {
        MessageSchema(name: "\(op).answer", summary: summary, fields: [
            FieldSchema("id", .integer(), "the request's id"),
            FieldSchema("ok", .constant(.bool(true)), "true: the op was done"),
        ] + fields)
    }

    private static let x = FieldSchema("x", tensor, "the inputs, [n] + the input shape")
    private static let y = FieldSchema("y", tensor, "the targets, shaped for the loss")
    private static let train = FieldSchema("train", .boolean, required: false, "training mode (dropout drops, batchnorm uses the batch)")
    private static let trace = FieldSchema("trace", .boolean, required: false, "whether to answer every layer's output")
    private static let loss = FieldSchema("loss", .number, "the batch's mean loss")
    private static let traceAnswer = FieldSchema("trace", tensors, required: false, "every layer's output in order (asked with trace: true)")
    private static let state = ValueSchema.map(.object([
        FieldSchema("h", tensor, "h_0, [n, units]"), FieldSchema("c", tensor, required: false, "an LSTM's c_0, [n, units]"),
    ]))
    private static let initialState = FieldSchema(
        "initial_state", state, required: false, "each recurrent layer's initial state, by layer index (version 2, to programs listing 'initial_state'); absent: zeros")
    private static let masks = FieldSchema("masks", .map(.tensor), required: false, "each dropout layer's mask, by layer index (training mode, version 2)")

    // MARK: Messages

    private static let ops: [(request: MessageSchema, answer: MessageSchema)] = [
        (request("hello", [
            FieldSchema("protocol", .integer(minimum: 1), required: false, "the highest version nnbench speaks (version 2)"),
            FieldSchema("nnbench", .string(), required: false, "nnbench's own version, for the program's log (version 2; optional)"),
         ],
                 "The first request: nnbench asks what the program is."),
         answer("hello", [
            FieldSchema("protocol", .integer(minimum: 1, maximum: ModelInfo.current), "the version the program speaks"),
            FieldSchema("name", .string(), required: false, "the program's name"),
            FieldSchema("dtype", .string(values: Precision.allCases.map(\.rawValue)), "the precision it computes in"),
            FieldSchema("ops", .array(.string()), "its optional ops"),
            FieldSchema("layers", .array(.string()), required: false, "the layer types it builds (version 2)"),
            // Names nnbench does not know are ignored, as for layers and optimizers: later versions add some.
            FieldSchema("losses", .array(.string()), required: false, "the losses it offers (version 2)"),
            FieldSchema("optimizers", .array(.string()), required: false, "the optimizers it offers (version 2)"),
         ], "The program's name, precision, protocol version and optional ops.")),
        (request("build", [
            FieldSchema("model", model, "the architecture"), FieldSchema("loss", .string(values: lossNames), "the loss"),
            FieldSchema("seed", .integer(minimum: 0), "the seed of the initial weights"),
         ], "Build a network and initialise its weights."),
         answer("build", [
            FieldSchema("params", .array(.object([
                FieldSchema("name", .string(), "L.weight, L.bias, L.running_mean, ..."),
                FieldSchema("shape", .array(.integer(minimum: 0)), "the tensor's shape"),
                FieldSchema("trainable", .boolean, required: false, "false for a buffer (version 2)"),
            ])), "every parameter and buffer, in layer order"),
         ], "The network's parameters and buffers, as the layer table names and shapes them.")),
        (request("get_params", [], "Ask for every parameter and buffer."),
         answer("get_params", [FieldSchema("params", namedTensors, "every parameter and buffer, by name")], "Every parameter's and buffer's value.")),
        (request("set_params", [FieldSchema("params", namedTensors, "every parameter and buffer, by name")], "Replace every parameter and buffer, and empty the optimizer's state."),
         answer("set_params", [], "Done.")),
        (request("forward", [x, FieldSchema("train", .boolean, required: false, "training mode"), trace, initialState], "Run the network on a batch."),
         answer("forward", [FieldSchema("y", tensor, "the last layer's raw output"), traceAnswer, masks], "The output, and the trace when asked.")),
        (request("loss", [x, y, initialState], "The batch's loss in evaluation mode."),
         answer("loss", [loss], "The loss.")),
        (request("gradients", [x, y, train, trace, initialState], "The loss and its gradient with respect to every trainable parameter."),
         answer("gradients", [loss, FieldSchema("grads", namedTensors, "d loss / d parameter, by name"), traceAnswer, masks,
            FieldSchema("initial_state_grads", state, required: false, "d loss / d (initial state), by layer index, when the request gave initial_state"),
         ], "The loss and the gradients.")),
        (request("step", [x, y, FieldSchema("optimizer", optimizer, "the optimizer, every field written"), train, trace], "One training step of the program's own optimizer."),
         answer("step", [loss, traceAnswer, masks], "The loss before the update.")),
        (request("layer_gradients", [x, y, train], "d loss / d input and d loss / d output of every layer (version 2)."),
         answer("layer_gradients", [
            loss, FieldSchema("input_grads", tensors, "d loss / d (input of each layer), in order"),
            FieldSchema("output_grads", tensors, "d loss / d (output of each layer), in order"), masks,
         ], "The gradient at every layer's input and output.")),
        (request("layer_forward", [
            FieldSchema("layer", .integer(minimum: 0), "the layer's index"), x, train,
            FieldSchema("mask", tensor, required: false, "a dropout layer's mask in training mode"),
         ], "One layer alone on a batch (version 2)."),
         answer("layer_forward", [FieldSchema("y", tensor, "the layer's output")], "The layer's output.")),
        (request("loss_from_layer", [FieldSchema("layer", .integer(minimum: 0), "the first layer to run; the number of layers for the loss alone"), x, y],
                 "The loss of the layers from one on, in evaluation mode (version 2)."),
         answer("loss_from_layer", [loss], "The loss.")),
        (request("shutdown", [], "The last request: the program answers, then exits with status 0."),
         answer("shutdown", [], "Done; the program exits.")),
    ]

    /// The answer to any request the program refuses or cannot do.
    static let error = MessageSchema(name: "error.answer", summary: "An op refused or failed: not a protocol failure.", fields: [
        FieldSchema("id", .integer(), "the request's id"),
        FieldSchema("ok", .constant(.bool(false)), "false: the op was refused or failed"),
        FieldSchema("error", .string(), "the reason, for a person"),
    ])
}
