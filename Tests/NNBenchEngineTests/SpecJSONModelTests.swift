import Foundation
import Testing
import NNBenchEngine

@Suite("Spec JSON model")
struct SpecJSONModelTests {
    private func model(_ json: String) throws -> ModelSpec {
        try ModelSpec(jsonData: Data(json.utf8))
    }

    private func text(_ model: ModelSpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(model), as: UTF8.self)
    }

    private func failure(_ json: String) -> String? {
        do {
            _ = try ModelSpec(jsonData: Data(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func protocolExample() throws {
        let model = try model(#"{"inputs":3,"layers":[{"type":"dense","units":2}]}"#)
        #expect(model.inputShape == [3])
        #expect(model.architecture.layers == [.dense(units: 2)])
        #expect(try text(model) == #"{"inputs":3,"layers":[{"bias":true,"type":"dense","units":2}]}"#)
        #expect(try self.model(text(model)) == model)
        let resolved = try model.resolve(outputWidth: 2)
        #expect(resolved.parameters.map(\.description) == ["0.weight [3, 2]", "0.bias [2]"])
    }

    @Test func everyLayerTypeRoundTrips() throws {
        let architecture = try ArchitectureSpec(parsing: """
            conv2d(4, kernel: 3, stride: 2, padding: 1, bias: false, init: he_normal) batchnorm(momentum: 0.2, eps: 0.001) \
            leaky_relu(0.2) maxpool2d(2) avgpool2d(2, stride: 1) flatten dropout(0.25) \
            dense(8, bias: false, init: constant(0.5)) relu tanh sigmoid identity softplus gelu dense(1)
            """)
        let json = try text(ModelSpec(inputShape: [1, 8, 8], architecture: architecture))
        #expect(json.hasPrefix(#"{"inputs":[1,8,8],"layers":[{"bias":false,"filters":4,"init":"he_normal","kernel":3,"padding":1,"stride":2,"type":"conv2d"},{"eps":0.001,"momentum":0.2,"type":"batchnorm"},{"slope":0.2,"type":"leaky_relu"},{"size":2,"stride":2,"type":"maxpool2d"}"#))
        let model = try model(json)
        #expect(model.inputShape == [1, 8, 8])
        #expect(model.architecture == architecture)
        #expect(model.architecture.description == architecture.description)
    }

    /// The sequence layers as the protocol writes them: every field, `forget_bias` only when set.
    @Test func sequenceLayersRoundTrip() throws {
        let architecture = try ArchitectureSpec(parsing: """
            lstm(4, forget_bias: 1) gru(3, bias: false) rnn(2, nonlinearity: relu, sequence: false) dense(1)
            """)
        let json = try text(ModelSpec(inputShape: [5, 2], architecture: architecture))
        #expect(json == #"{"inputs":[5,2],"layers":[{"bias":true,"forget_bias":1,"sequence":true,"type":"lstm","units":4},{"bias":false,"sequence":true,"type":"gru","units":3},{"bias":true,"nonlinearity":"relu","sequence":false,"type":"rnn","units":2},{"bias":true,"type":"dense","units":1}]}"#)
        #expect(try model(json).architecture == architecture)
        let tokens = try model(#"{"inputs":7,"layers":[{"type":"embedding","vocabulary":10,"dim":4},{"type":"lstm","units":3}]}"#)
        #expect(tokens.architecture.description == "embedding(10, 4) lstm(3)")
        #expect(try text(tokens) == #"{"inputs":7,"layers":[{"dim":4,"type":"embedding","vocabulary":10},{"bias":true,"sequence":true,"type":"lstm","units":3}]}"#)
    }

    @Test("errors name the field's path", arguments: [
        (#"{"inputs":3,"layers":[{"type":"relu"},{"type":"relu"},{"type":"dense","units":"x"}]}"#, #"layers[2].units: expected a positive integer, got "x""#),
        (#"{"inputs":3,"layers":[{"type":"dense","units":true}]}"#, "layers[0].units: expected a positive integer, got true"),
        (#"{"inputs":3,"layers":[{"type":"dense","units":2,"bias":1}]}"#, "layers[0].bias: expected true or false, got 1"),
        (#"{"inputs":3,"layers":[{"type":"dense"}]}"#, "layers[0]: missing required field 'units'"),
        (#"{"inputs":3,"layers":[{"type":"dense","unit":2}]}"#, "layers[0].unit: unknown field (did you mean 'units'?); dense's fields are: units, bias, init"),
        (#"{"inputs":3,"layers":[{"type":"dnse","units":2}]}"#, "layers[0].type: unknown layer 'dnse'; did you mean 'dense'?"),
        (#"{"inputs":3,"layers":[{"units":2}]}"#, "layers[0]: missing field 'type'"),
        (#"{"inputs":3,"layers":[{"type":1}]}"#, "layers[0].type: expected a string, got 1"),
        (#"{"inputs":3,"layers":[3]}"#, #"layers[0]: expected an object with a "type", got 3"#),
        (#"{"inputs":3,"layers":[{"type":"dense","units":2.5}]}"#, "layers[0].units: expected a positive integer, got 2.5"),
        (#"{"inputs":3,"layers":[{"type":"dense","units":2,"init":"he_norml"}]}"#, "layers[0].init: unknown initializer 'he_norml'; did you mean 'he_normal'? known: glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, zeros, constant"),
        (#"{"inputs":[1,2,3,8],"layers":[]}"#, "inputs: expected a positive integer, [steps, features] or [channels, height, width], got [1, 2, 3, 8]"),
        (#"{"inputs":true,"layers":[]}"#, "inputs: expected a positive integer, [steps, features] or [channels, height, width], got true"),
        (#"{"inputs":2.5,"layers":[]}"#, "inputs: expected a positive integer, [steps, features] or [channels, height, width], got 2.5"),
        (#"{"inputs":[5,2],"layers":[{"type":"rnn","units":2,"nonlinearity":"sigmoid"}]}"#, #"layers[0].nonlinearity: expected one of tanh, relu, got "sigmoid""#),
        (#"{"inputs":[5,2],"layers":[{"type":"lstm","units":2,"forget_bias":null}]}"#, "layers[0].forget_bias: expected a number finite in float32 (|x| ≤ 3.4e38), got null"),
        (#"{"inputs":[5,2],"layers":[{"type":"lstm","units":2,"forget_bias":1e39}]}"#, "layers[0].forget_bias: expected a number finite in float32 (|x| ≤ 3.4e38), got 1e+39"),
        (#"{"inputs":5,"layers":[{"type":"embedding","vocabulary":3}]}"#, "layers[0]: missing required field 'dim'"),
        (#"{"inputs":3,"layers":{}}"#, "layers: expected an array of layer objects, got {}"),
        (#"{"inputs":3}"#, "model: missing field 'layers'"),
        (#"{"inputs":3,"layers":[],"loss":"mse"}"#, "loss: unknown field; expected one of: inputs, layers"),
        (#"{"inputs":3,"layer":[]}"#, "layer: unknown field (did you mean 'layers'?); expected one of: inputs, layers"),
        ("[1]", #"model: expected a model object {"inputs": ..., "layers": [...]}, got [1]"#),
        ("{", "model: not valid JSON"),
    ])
    func errors(json: String, description: String) {
        #expect(failure(json) == description)
    }

    @Test func errorsInALayerNameItsIndex() throws {
        let missing = try #require(throws: SpecError.self) { try model(#"{"inputs":3,"layers":[{"type":"relu"},{"units":2}]}"#) }
        #expect(missing.layerIndex == 1)
        let invalid = try #require(throws: SpecError.self) { try model(#"{"inputs":3,"layers":[{"type":"relu"},{"type":"dense","units":0}]}"#) }
        #expect(invalid.layerIndex == 1)
    }

    @Test func shapeErrorsNameTheLayerInsteadOfPointing() throws {
        let model = try model(#"{"inputs":[1,4,4],"layers":[{"type":"relu"},{"type":"dense","units":2}]}"#)
        let error = try #require(throws: SpecError.self) { try model.resolve(outputWidth: 2) }
        #expect(error.description == "layers[1] 'dense(2)': expects a flat input but gets [1, 4, 4]; add 'flatten' before it")
        #expect(error.rendered == error.description)
        #expect(error.layerIndex == 1)
    }
}
