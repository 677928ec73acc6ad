import Testing
@testable import NNBenchEngine

@Suite("Spec errors")
struct SpecErrorTests {
    /// The error of parsing `text` and resolving it on `inputShape` for `outputWidth` outputs.
    private func failure(_ text: String, inputShape: [Int] = [4], outputWidth: Int? = nil, outputShape: [Int]? = nil) -> SpecError? {
        do {
            _ = try ArchitectureSpec(parsing: text).resolve(inputShape: inputShape, outputShape: outputShape ?? outputWidth.map { [$0] })
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownLayerSuggestsTheNearest() throws {
        let error = try #require(failure("dense(4) relu dnse(1)"))
        #expect(error.description == "layer 2 'dnse(1)': unknown layer 'dnse'; did you mean 'dense'?")
        #expect(error.layerIndex == 2)
        #expect(error.rendered == """
            layer 2 'dnse(1)': unknown layer 'dnse'; did you mean 'dense'?
            dense(4) relu dnse(1)
                          ^~~~~~~
            """)
    }

    @Test func unknownLayerWithoutNearNameListsAll() throws {
        let error = try #require(failure("transformer"))
        #expect(error.message == "unknown layer 'transformer'; known layers: dense, relu, leaky_relu, tanh, sigmoid, identity, softplus, gelu, dropout, batchnorm, conv2d, maxpool2d, avgpool2d, flatten, rnn, lstm, gru, embedding")
    }

    @Test func upperCaseNamesAreRefused() throws {
        #expect(failure("Dense(2)")?.message == "unknown layer 'Dense'; did you mean 'dense'?")
    }

    @Test func unknownOptionNamesTheAllowedOnes() throws {
        let error = try #require(failure("conv2d(8, kernal: 3)", inputShape: [1, 8, 8]))
        #expect(error.description == "layer 0 'conv2d(8, kernal: 3)': unknown option 'kernal' (did you mean 'kernel'?); conv2d's options are: filters, kernel, stride, padding, bias, init")
        #expect(error.range == 10..<19)
        #expect(error.rendered.hasSuffix("\nconv2d(8, kernal: 3)\n          ^~~~~~~~~"))
    }

    @Test("bad values point at the argument", arguments: [
        ("dense(0)", "layer 0 'dense(0)': units: expected a positive integer, got 0", 6..<7),
        ("dense(2.5)", "layer 0 'dense(2.5)': units: expected a positive integer, got 2.5", 6..<9),
        ("relu dropout(1)", "layer 1 'dropout(1)': rate: expected a number in [0, 1), got 1", 13..<14),
        ("dense(2, bias: 1)", "layer 0 'dense(2, bias: 1)': bias: expected true or false, got 1", 9..<16),
        ("conv2d(2, kernel: 3, padding: -1)", "layer 0 'conv2d(2, kernel: 3, padding: -1)': padding: expected a non-negative integer, got -1", 21..<32),
        ("batchnorm(eps: 0)", "layer 0 'batchnorm(eps: 0)': eps: expected a positive number, got 0", 10..<16),
        ("dense(2, init: he_norml)", "layer 0 'dense(2, init: he_norml)': init: unknown initializer 'he_norml'; did you mean 'he_normal'? known: glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, zeros, constant", 9..<23),
        ("dense(2, 3)", "layer 0 'dense(2, 3)': unexpected positional argument '3'; 'dense' takes only 'units' without a name, the others as 'name: value'", 9..<10),
        ("relu(2)", "layer 0 'relu(2)': 'relu' takes no options", 5..<6),
        ("dense(units: 2, units: 3)", "layer 0 'dense(units: 2, units: 3)': units: given twice", 16..<24),
        ("conv2d(2)", "layer 0 'conv2d(2)': missing required option 'kernel'", 0..<9),
        ("dropout", "layer 0 'dropout': missing required option 'rate'", 0..<7),
        ("dense(bias: false, 2)", "layer 0 'dense(bias: false, 2)': positional argument '2' must come before the named options", 19..<20),
        ("rnn(4, nonlinearity: sigmoid)", "layer 0 'rnn(4, nonlinearity: sigmoid)': nonlinearity: expected one of tanh, relu, got sigmoid", 7..<28),
        ("lstm(4, sequence: 1)", "layer 0 'lstm(4, sequence: 1)': sequence: expected true or false, got 1", 8..<19),
        ("lstm(4, forget_bias: 1, bias: false)", "layer 0 'lstm(4, forget_bias: 1, bias: false)': forget_bias: a forget-gate bias needs the layer's biases; remove 'bias: false' or 'forget_bias'", 8..<22),
        ("gru(4, forget_bias: 1)", "layer 0 'gru(4, forget_bias: 1)': unknown option 'forget_bias'; gru's options are: units, sequence, bias", 7..<21),
        ("embedding(4, 2, 3)", "layer 0 'embedding(4, 2, 3)': unexpected positional argument '3'; 'embedding' takes 'vocabulary' and 'dim' without a name, the others as 'name: value'", 16..<17),
    ])
    func badValue(text: String, description: String, range: Range<Int>) throws {
        let error = try #require(failure(text, inputShape: [1, 8, 8]))
        #expect(error.description == description)
        #expect(error.range == range)
    }

    @Test func missingParenthesis() throws {
        let atEnd = try #require(failure("dense(16"))
        #expect(atEnd.description == "column 9: expected ')' to close 'dense(', found end of input")
        #expect(atEnd.rendered == "column 9: expected ')' to close 'dense(', found end of input\ndense(16\n        ^")
        let beforeNext = try #require(failure("dense(16 relu"))
        #expect(beforeNext.description == "column 10: expected ',' or ')' after an argument of 'dense', found 'relu'")
        #expect(beforeNext.range == 9..<13)
    }

    @Test("syntax errors", arguments: [
        ("dense(4) % relu", "column 10: unexpected character '%'", 9..<10),
        ("dense(4) (relu)", "column 10: expected a layer name, found '('", 9..<10),
        ("dense(units: )", "column 14: expected a value for 'units', found ')'", 13..<14),
        ("dense(3x)", "column 7: malformed number '3x'", 6..<8),
        ("-> dense(1)", "column 1: expected a layer name, found '->'", 0..<2),
    ])
    func syntax(text: String, description: String, range: Range<Int>) throws {
        let error = try #require(failure(text))
        #expect(error.description == description)
        #expect(error.range == range)
    }

    @Test func denseAfterConvNeedsFlatten() throws {
        let error = try #require(failure("conv2d(8, kernel: 3) maxpool2d(2) dense(16)", inputShape: [1, 10, 10]))
        #expect(error.description == "layer 2 'dense(16)': expects a flat input but gets [8, 4, 4]; add 'flatten' before it")
        #expect(error.rendered.hasSuffix("\n                                  ^~~~~~~~~"))
    }

    @Test func convOnFlatInput() throws {
        let error = try #require(failure("dense(4) conv2d(2, kernel: 3)"))
        #expect(error.description == "layer 1 'conv2d(2, kernel: 3)': expects an image input [channels, height, width] but gets [4]")
        #expect(error.range == 9..<29)
    }

    @Test func sequenceLayersNeedSequences() throws {
        #expect(failure("lstm(4)")?.description == "layer 0 'lstm(4)': expects a sequence [steps, features] but gets [4]")
        #expect(failure("rnn(4)", inputShape: [1, 8, 8])?.description == "layer 0 'rnn(4)': expects a sequence [steps, features] but gets [1, 8, 8]")
        #expect(failure("gru(4, sequence: false) gru(2)", inputShape: [5, 3])?.description
            == "layer 1 'gru(2)': expects a sequence [steps, features] but gets [4]")
        #expect(failure("lstm(4) batchnorm", inputShape: [5, 3])?.description
            == "layer 1 'batchnorm': does not take a sequence [steps, features] ([5, 4]); it normalises features or channels")
        #expect(failure("lstm(4) conv2d(2, kernel: 1)", inputShape: [5, 3])?.description
            == "layer 1 'conv2d(2, kernel: 1)': expects an image input [channels, height, width] but gets [5, 4]")
        #expect(failure("dense(3) embedding(4, 2)")?.description == "layer 1 'embedding(4, 2)': reads token indices, so it must be the first layer")
        #expect(failure("embedding(4, 2)", inputShape: [5, 3])?.description == "layer 0 'embedding(4, 2)': expects token indices [steps] but gets [5, 3]")
    }

    @Test func aSequenceOutputForAPerSampleTask() throws {
        #expect(failure("lstm(8) dense(1)", inputShape: [20, 2], outputWidth: 1)?.message
            == "the task needs 1 output but the last layer 'dense(1)' gives [20, 1], one per step; give the last recurrent layer 'sequence: false' to keep only its last step")
        #expect(failure("lstm(8, sequence: false) dense(1)", inputShape: [20, 2], outputWidth: 1) == nil)
        // Without a recurrent layer the advice names what there is to change.
        #expect(failure("dense(4) dense(1)", inputShape: [20, 2], outputWidth: 1)?.message
            == "the task needs 1 output but the last layer 'dense(1)' gives [20, 1], one per step; add 'flatten' first (the dense layers then read every step at once), or a recurrent layer with 'sequence: false'")
    }

    /// A task with one class per step (copy-memory) needs `[steps, classes]`.
    @Test func aPerStepTaskNeedsEveryStep() throws {
        #expect(failure("embedding(10, 4) gru(8, sequence: false) dense(9)", inputShape: [20], outputShape: [20, 9])?.message
            == "the task needs [20, 9], 9 outputs at each of 20 steps but the last layer 'dense(9)' gives [9]; keep every step of the last recurrent layer ('sequence: true', the default)")
        #expect(failure("embedding(10, 4) gru(8) dense(4)", inputShape: [20], outputShape: [20, 9])?.message
            == "the task needs [20, 9], 9 outputs at each of 20 steps but the last layer 'dense(4)' gives [20, 4]")
        #expect(failure("embedding(10, 4) gru(8) dense(9)", inputShape: [20], outputShape: [20, 9]) == nil)
        #expect(failure("dense(9)", inputShape: [20], outputShape: [20, 9])?.message
            == "the task needs [20, 9], 9 outputs at each of 20 steps but the last layer 'dense(9)' gives [9]; an output per step needs a recurrent layer that keeps every step, e.g. '… gru(32) dense(9)' ('embedding' first for token inputs)")
    }

    @Test func windowsLargerThanTheirInput() throws {
        #expect(failure("conv2d(2, kernel: 5)", inputShape: [1, 4, 4])?.description
            == "layer 0 'conv2d(2, kernel: 5)': kernel 5 is larger than its padded input 4×4 (input [1, 4, 4], padding 0)")
        #expect(failure("conv2d(2, kernel: 5, padding: 1)", inputShape: [1, 3, 3]) == nil)
        #expect(failure("maxpool2d(2) maxpool2d(2) avgpool2d(2)", inputShape: [1, 6, 6])?.description
            == "layer 2 'avgpool2d(2)': pool size 2 is larger than its input 1×1 (input [1, 1, 1])")
    }

    @Test func wrongLastWidth() throws {
        let error = try #require(failure("dense(4) relu dense(2)", outputWidth: 3))
        #expect(error.description == "the task needs 3 outputs but the last layer 'dense(2)' gives 2")
        #expect(error.layerIndex == 2)
        #expect(error.rendered.hasSuffix("\ndense(4) relu dense(2)\n              ^~~~~~~~"))
        #expect(failure("conv2d(2, kernel: 3)", inputShape: [1, 4, 4], outputWidth: 1)?.message
            == "the task needs 1 output but the last layer 'conv2d(2, kernel: 3)' gives [2, 2, 2]; end with 'flatten' and 'dense(1)'")
    }

    @Test func emptySpec() throws {
        for text in ["", "   "] {
            let error = try #require(failure(text))
            #expect(error.description == "the architecture has no layers")
            #expect(error.range == 0..<0)
        }
        #expect(throws: SpecError("the architecture has no layers", source: "", range: 0..<0)) {
            try ArchitectureSpec([]).resolve(inputShape: [2], outputWidth: nil)
        }
    }

    @Test func renderingWithoutARangeIsTheDescription() {
        let error = SpecError("expected a positive integer, got \"x\"", subject: "layers[2].units")
        #expect(error.rendered == "layers[2].units: expected a positive integer, got \"x\"")
    }
}
