import Testing
@testable import NNBenchEngine

@Suite("Architecture spec parsing")
struct SpecParsingTests {
    @Test("canonical specs print back unchanged", arguments: [
        "dense(16) relu dense(16) relu dense(2)",
        "dense(16, bias: false, init: he_normal) tanh dense(1, init: constant(0.5))",
        "dropout(0.2) leaky_relu leaky_relu(0.1) sigmoid identity softplus gelu",
        "batchnorm batchnorm(momentum: 0.2) batchnorm(eps: 0.001) batchnorm(momentum: 0.01, eps: 1e-08)",
        "conv2d(8, kernel: 3) conv2d(8, kernel: 3, stride: 2, padding: 1, bias: false, init: lecun_uniform)",
        "maxpool2d(2) maxpool2d(3, stride: 2) avgpool2d(2) flatten dense(10, init: zeros)",
        "dense(3, init: constant(-0.25))",
        "rnn(8) rnn(8, nonlinearity: relu, sequence: false, bias: false) lstm(4, forget_bias: 1) lstm(4, bias: false) gru(3, sequence: false)",
        "embedding(10, 4) lstm(16) dense(3)",
    ])
    func canonicalRoundTrip(text: String) throws {
        let spec = try ArchitectureSpec(parsing: text)
        #expect(spec.description == text)
        #expect(try ArchitectureSpec(parsing: spec.description) == spec)
    }

    @Test("other spellings parse to the canonical form", arguments: [
        ("dense(units: 16)->relu -> dense(2)", "dense(16) relu dense(2)"),
        ("  dense( 16 , bias : true , ) ", "dense(16)"),
        ("dense(16, init: he_normal, bias: false)", "dense(16, bias: false, init: he_normal)"),
        ("dense(4, init: kaiming) dense(4, init: he) dense(4, init: xavier_uniform) dense(4, init: lecun)",
         "dense(4, init: he_normal) dense(4, init: he_normal) dense(4) dense(4, init: lecun_normal)"),
        ("dropout(rate: 0.5) leaky_relu(slope: 0.01) leaky_relu(-1e-1)", "dropout(0.5) leaky_relu leaky_relu(-0.1)"),
        ("batchnorm(momentum: 0.1, eps: 1e-5) batchnorm()", "batchnorm batchnorm"),
        ("conv2d(filters: 8, kernel: 3, stride: 1, padding: 0)", "conv2d(8, kernel: 3)"),
        ("maxpool2d(2, stride: 2) avgpool2d(size: 2, stride: 1)", "maxpool2d(2) avgpool2d(2, stride: 1)"),
        ("dense(1, init: constant(value: 2.5E0))", "dense(1, init: constant(2.5))"),
        ("rnn(units: 4, nonlinearity: tanh, sequence: true, bias: true) lstm(4, forget_bias: 1.0)", "rnn(4) lstm(4, forget_bias: 1)"),
        ("gru(units: 2, sequence: false) embedding(dim: 3, vocabulary: 5)", "gru(2, sequence: false) embedding(5, 3)"),
    ])
    func spellings(text: String, canonical: String) throws {
        #expect(try ArchitectureSpec(parsing: text).description == canonical)
    }

    @Test func layersAndRanges() throws {
        let spec = try ArchitectureSpec(parsing: "dense(4, bias: false) -> relu")
        #expect(spec.layers == [.dense(units: 4, bias: false), .relu])
        #expect(spec.layerRanges == [0..<21, 25..<29])
        #expect(spec == ArchitectureSpec([.dense(units: 4, bias: false), .relu]))
    }

    @Test func layersBuiltInCodePrintTheirCanonicalForm() {
        let spec = ArchitectureSpec([.conv2d(filters: 4, kernel: 3, padding: 1), .relu, .maxPool2d(size: 2), .flatten, .dense(units: 1)])
        #expect(spec.source == "conv2d(4, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(1)")
        #expect(spec.layerRanges[2] == 38..<50)
    }

    @Test func initializerFansAndScales() {
        #expect(Initializer.fans(ofWeightShape: [3, 5]) == (fanIn: 3, fanOut: 5))
        #expect(Initializer.fans(ofWeightShape: [8, 2, 3, 3]) == (fanIn: 18, fanOut: 72))
        #expect(Initializer.glorotUniform.bound(fanIn: 3, fanOut: 5) == (6.0 / 8).squareRoot())
        #expect(Initializer.glorotNormal.standardDeviation(fanIn: 3, fanOut: 5) == (2.0 / 8).squareRoot())
        #expect(Initializer.heUniform.bound(fanIn: 3, fanOut: 5) == 2.0.squareRoot())
        #expect(Initializer.heNormal.standardDeviation(fanIn: 8, fanOut: 5) == 0.5)
        #expect(Initializer.lecunUniform.bound(fanIn: 3, fanOut: 5) == 1)
        #expect(Initializer.lecunNormal.standardDeviation(fanIn: 4, fanOut: 5) == 0.5)
        #expect(Initializer.heNormal.bound(fanIn: 4, fanOut: 4) == nil)
        #expect(Initializer.constant(0.5).distribution(fanIn: 1, fanOut: 1) == .constant(0.5))
        #expect(Initializer.zeros.distribution(fanIn: 1, fanOut: 1) == .constant(0))
    }
}
