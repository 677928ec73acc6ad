import Foundation
import NNBenchIO
import Testing

/// Strict decoding: unknown fields, wrong kinds and non-integers are refused, each with one line
/// naming the field's path; numbers are read exactly.
@Suite("strict JSON")
struct StrictJSONTests {
    /// A small strict type: an integer in 1...9, an optional string, and a list of itself.
    struct Item: Decodable, Equatable {
        var count: Int
        var label: String
        var items: [Item]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case count, label, items
        }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
            count = try fields.integer(.count, in: 1...9)
            label = try fields.string(.label, default: "")
            items = fields.contains(.items) ? try fields.decode([Item].self, forKey: .items, expected: "an array of items") : []
        }
    }

    /// The one-line error for `json`, or `nil` when it decodes.
    static func failure(_ json: String) -> String? {
        do {
            _ = try JSONDecoder().decode(Item.self, from: Data(json.utf8))
            return nil
        } catch let error as DecodingError {
            return error.line(in: "file 'x.json'")
        } catch {
            return "not a decoding error: \(error)"
        }
    }

    /// The decoder keeps the first of two equal keys and Python the last: a field given twice is
    /// refused, at its path, wherever it is; equal keys in different objects, and braces, commas
    /// and quotes inside strings, are not repeats.
    @Test("a field given twice is refused at its path", arguments: [
        (#"{"count": 1, "count": 7}"#, "file 'x.json', count: given twice in one object; a field may appear once"),
        // The same field spelt with an escape: the decoder reads both as 'count'.
        (#"{"count": 1, "c\u006funt": 7}"#, "file 'x.json', count: given twice in one object; a field may appear once"),
        (#"{"count": 1, "items": [{"count": 2}, {"count": 3, "label": "a", "count": 4}]}"#, "file 'x.json', items[1].count: given twice in one object; a field may appear once"),
        (#"{"items": [{"count": 2, "items": [{"count": 1, "label": "{,\"count\""}]}], "count": 1, "label": "x", "items": []}"#, "file 'x.json', items: given twice in one object; a field may appear once"),
    ])
    func repeatedField(json: String, message: String) {
        let line: String?
        do {
            _ = try JSONDecoder().decodeRefusingRepeatedFields(Item.self, from: Array(json.utf8))
            line = nil
        } catch let error as DecodingError {
            line = error.line(in: "file 'x.json'")
        } catch {
            line = "not a decoding error: \(error)"
        }
        #expect(line == message)
    }

    @Test func equalKeysInOtherObjectsAndStringsAreNoRepeats() throws {
        let json = #"{"count": 1, "label": "{\"count\": 1, \"count\": 2}", "items": [{"count": 2, "label": "count"}, {"count": 2}]}"#
        let item = try JSONDecoder().decodeRefusingRepeatedFields(Item.self, from: Array(json.utf8))
        #expect(item.items.count == 2 && item.label == #"{"count": 1, "count": 2}"#)
    }

    @Test("errors name the field's path", arguments: [
        (#"{"count": 1, "lable": "a"}"#, "file 'x.json', lable: unknown field (did you mean 'label'?); expected one of: count, items, label"),
        (#"{"count": 1, "items": [{"count": 2}, {"count": 3, "zzz": 0}]}"#, "file 'x.json', items[1].zzz: unknown field; expected one of: count, items, label"),
        (#"{"count": 2.5}"#, "file 'x.json', count: expected an integer in 1...9, got 2.5"),
        (#"{"count": true}"#, "file 'x.json', count: expected an integer in 1...9, got true"),
        (#"{"count": "2"}"#, #"file 'x.json', count: expected an integer in 1...9, got "2""#),
        (#"{"count": 10}"#, "file 'x.json', count: expected an integer in 1...9, got 10"),
        (#"{"count": 1, "label": ["a\nb"]}"#, #"file 'x.json', label: expected a string, got ["a\nb"]"#),
        (#"{"count": 1, "items": {"count": 1}}"#, #"file 'x.json', items: expected an array of items, got {"count": 1}"#),
        (#"{"count": 1, "items": [7]}"#, "file 'x.json', items[0]: expected an object, got 7"),
        (#"{"label": "a"}"#, "file 'x.json': missing field 'count'"),
        (#"[{"count": 1}]"#, #"file 'x.json': expected an object, got [{"count": 1}]"#),
        (#"{"count": 1"#, "file 'x.json': not valid JSON"),
    ])
    func errors(json: String, line: String) {
        #expect(Self.failure(json) == line)
    }

    @Test func validItemsDecode() throws {
        let item = try JSONDecoder().decode(Item.self, from: Data(#"{"count": 2, "items": [{"count": 3.0, "label": "b"}]}"#.utf8))
        #expect(item.count == 2 && item.label == "" && item.items.map(\.count) == [3] && item.items[0].label == "b")
    }

    @Test func aLabelFollowsItsKeyInThePath() throws {
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode([Item].self, from: Data(#"[{"count": 1}, {"count": 0}]"#.utf8))
        }
        #expect(error.labelling([JSONPathKey(index: 1)], with: "'second'").line(in: "") == "[1] ('second').count: expected an integer in 1...9, got 0")
        // An error outside the labelled value keeps its path.
        #expect(error.labelling([JSONPathKey(index: 1), JSONPathKey("items"), JSONPathKey(index: 0)], with: "'x'").fieldPath == "[1].count")
    }

    @Test func decodersOwnErrorsAreOneLineToo() throws {
        let error = try #require(throws: DecodingError.self) { try JSONDecoder().decode([String: Double].self, from: Data(#"{"a": "x"}"#.utf8)) }
        #expect(error.line(in: "f") == "f, a: expected to decode Double but found a string instead")
    }

    @Test func booleansAreNotNumbersNorNumbersBooleans() throws {
        let values = try JSONDecoder().decode([AnyJSON].self, from: Data(#"[true, false, 1, 0, "1", null, [], {}]"#.utf8))
        #expect(values == [.bool(true), .bool(false), .number(1), .number(0), .string("1"), .null, .array([]), .object([:])])
        #expect(values.map(\.integer) == [nil, nil, 1, 0, nil, nil, nil, nil])
    }

    /// Doubles whose shortest text is long, and the extremes: each must read back as the literal
    /// (which the compiler rounds correctly), bit for bit.
    @Test(arguments: [
        ("0.012001000000000001", 0.012001000000000001), ("0.015000000000000003", 0.015000000000000003),
        ("0.30000000000000004", 0.30000000000000004), ("1e-06", 1e-06), ("5e-324", .leastNonzeroMagnitude),
        ("1.7976931348623157e+308", .greatestFiniteMagnitude), ("2.2250738585072014e-308", .leastNormalMagnitude),
        ("9007199254740992", 9007199254740992),
    ])
    func longDecimalsAreReadExactly(text: String, value: Double) throws {
        let read = try JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))
        guard case .number(let number) = read else { Issue.record("\(text) read as \(read)"); return }
        #expect(number.bitPattern == value.bitPattern)
    }

    @Test func valuesAreShownAsShortOneLineJSON() throws {
        let long = try JSONDecoder().decode(AnyJSON.self, from: Data("[\(Array(repeating: "12345", count: 20).joined(separator: ","))]".utf8))
        #expect(long.text.count == 60 && long.text.hasSuffix("…"))
        #expect(AnyJSON.object(["b": .null, "a": .array([.number(0.5), .string("\"q\"")])]).text == #"{"a": [0.5, "\"q\""], "b": null}"#)
    }
}
