@testable import NNBenchProtocol
import NNBenchDatasets
import Testing
import NNBenchEngine

/// The protocol's JSON reader accepts what RFC 8259 and Python's `json` write, refuses the rest
/// with a located error, and never crashes; the writer's output reads back to the same value.
@Suite("protocol JSON")
struct ProtocolJSONTests {
    static func read(_ text: String) throws(JSONReadError) -> JSONValue { try JSONReader().read(Array(text.utf8)) }

    @Test("values, escapes and Python's non-finite tokens")
    func values() throws {
        let value = try Self.read(#" {"a": [1, -2.5e3, 0, true, false, null], "s": "\u00e9\ud83d\ude00\n\"", "n": [NaN, Infinity, -Infinity, "NaN"]} "#)
        #expect(value["a"] == .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]))
        #expect(value["s"] == .string("é😀\n\""))
        guard case .array(let specials)? = value["n"] else { Issue.record("no array"); return }
        #expect(specials[0].number?.isNaN == true)
        #expect(specials[1].number == .infinity)
        #expect(specials[2].number == -.infinity)
        #expect(specials[3].number?.isNaN == true)
    }

    @Test("malformed texts are refused, naming what and where", arguments: [
        ("", "expected a value, found end of text at byte 0"),
        ("{\"id\": 1,}", "expected a key string, found '}' at byte 9"),
        ("[1 2]", "expected ',' or ']', found '2' at byte 3"),
        ("01", "a number with a leading zero at byte 0"),
        ("{\"a\":1,\"a\":2}", "duplicate key \"a\" at byte 7"),
        ("\"abc", "unterminated string at byte 0"),
        ("[1] x", "unexpected 'x' after the value at byte 4"),
        ("-", "expected a digit, found end of text at byte 1"),
        ("\"\\x\"", "an invalid escape \\x at byte 2"),
        ("nul", "expected a value, found 'n' at byte 0"),
    ])
    func malformed(text: String, message: String) {
        #expect(throws: JSONReadError.self) { try Self.read(text) }
        do { _ = try Self.read(text) } catch { #expect(error.description == message) }
    }

    @Test("limits on depth and on the number of values")
    func limits() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        do { _ = try Self.read(deep); Issue.record("accepted nesting of 100") } catch { #expect(error.message == "nesting deeper than 64") }
        do { _ = try JSONReader(maxValues: 10).read(Array("[1,2,3,4,5,6,7,8,9,10,11]".utf8)); Issue.record("accepted 12 values") } catch {
            #expect(error.message == "more than 10 values")
        }
    }

    @Test("the writer is compact and reads back exactly")
    func writer() throws {
        var random = RandomStream(key: 7, index: 0)
        var scalars: [Double] = [0, 1, 0.1, 1e300, -2.5e-300]
        for _ in 0..<200 {
            let scale = Double(sign: .plus, exponent: random.integer(below: 120) - 60, significand: 1)
            scalars.append(random.normal() * scale)
        }
        let tensor = Tensor<Double>(shape: [scalars.count], scalars: scalars)
        let text = try JSONWriter.write(.object(["id": .number(3), "op": .string("loss"), "x": JSONValue(tensor: tensor)]))
        #expect(String(decoding: text.prefix(40), as: UTF8.self) == #"{"id":3,"op":"loss","x":{"data":[0,1,0.1"#)
        #expect(!text.contains(UInt8(ascii: " ")))
        let back = try JSONReader().read(text)
        guard case .array(let data)? = back["x"]?["data"] else { Issue.record("no data"); return }
        let numbers: [Double] = data.compactMap { (value: JSONValue) in value.number }
        #expect(numbers == scalars)
        #expect(throws: JSONWriter.NonFiniteNumber.self) { try JSONWriter.write(.number(.nan)) }
    }

    @Test func modelsAndOptimizersAreSentAsTheirCodableJSON() throws {
        let model = ModelSpec(inputShape: [3], architecture: ArchitectureSpec([.dense(units: 2), .leakyReLU(slope: 0.2)]))
        let request = try JSONWriter.write(.object(["model": try JSONValue(encoding: model), "optimizer": try JSONValue(encoding: OptimizerSpec.sgd(learningRate: 0.1))]))
        #expect(String(decoding: request, as: UTF8.self) == #"{"model":{"inputs":3,"layers":[{"bias":true,"type":"dense","units":2},{"slope":0.2,"type":"leaky_relu"}]},"#
            + #""optimizer":{"lr":0.1,"momentum":0,"nesterov":false,"type":"sgd","weight_decay":0}}"#)
        let unsendable = ModelSpec(inputShape: [3], architecture: ArchitectureSpec([.leakyReLU(slope: .nan)]))
        #expect(throws: JSONWriter.NonFiniteNumber.self) { try JSONValue(encoding: unsendable) }
    }

    @Test("fuzz: random bytes, mutations and truncations never crash")
    func fuzz() throws {
        let valid = [
            #"{"id":1,"ok":true,"protocol":1,"name":"tiny","dtype":"float64","ops":["gradients","step","trace"]}"#,
            #"{"id":2,"ok":true,"params":[{"name":"0.weight","shape":[3,2]},{"name":"0.bias","shape":[2]}]}"#,
            #"{"id":3,"ok":true,"y":{"shape":[1,2],"data":[0.5,-1e-7,NaN]},"s":"\u00e9\n"}"#,
            #"{"id":4,"ok":false,"error":"unsupported layer \"conv2d\""}"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"{}[],:"\-+.eE0123456789 tfnNIu"#.utf8)
        var random = RandomStream(key: 2026, index: 5)
        var answers = 0, errors = 0
        for round in 0..<6000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<random.integer(below: 80)).map { _ in
                    random.integer(below: 2) == 0 ? UInt8(truncatingIfNeeded: random.nextUInt32()) : alphabet[random.integer(below: alphabet.count)]
                }
            case 1:
                bytes = valid[random.integer(below: valid.count)]
                for _ in 0...random.integer(below: 4) {
                    let at = random.integer(below: bytes.count)
                    switch random.integer(below: 3) {
                    case 0: bytes[at] = alphabet[random.integer(below: alphabet.count)]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8(truncatingIfNeeded: random.nextUInt32()), at: at)
                    }
                }
            default:
                let source = valid[random.integer(below: valid.count)]
                bytes = Array(source.prefix(random.integer(below: source.count)))
            }
            do {
                _ = try JSONReader().read(bytes)
                answers += 1
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
                errors += 1
            }
        }
        #expect(answers + errors == 6000)
        #expect(answers > 0 && errors > 0)
    }
}
