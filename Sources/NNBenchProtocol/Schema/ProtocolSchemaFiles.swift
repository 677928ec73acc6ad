/// The JSON Schema files of `docs/protocol/`, generated from ``ProtocolMessages``.
public enum ProtocolSchemaFiles {
    /// Every file's name (`hello.answer.schema.json`) and text, in message order.
    public static var all: [(name: String, text: String)] {
        ProtocolMessages.all.map { ("\($0.name).schema.json", $0.jsonSchema) }
    }
}
