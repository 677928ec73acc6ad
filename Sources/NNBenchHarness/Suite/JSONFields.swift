import Foundation
import NNBenchDatasets

/// The fields of one JSON object read strictly: every field has the expected type, and a field
/// that is not known is an error (a misspelt optional field would otherwise be silently ignored).
struct JSONFields {
    let object: [String: Any]
    /// The object's path for messages: `suite 'default.json', entries[3]`.
    let path: String

    /// Reads `value` as an object with only the fields in `known`.
    init(_ value: Any, path: String, known: Set<String>) throws(SuiteError) {
        guard let object = value as? [String: Any] else {
            throw SuiteError("\(path): expected a JSON object, got \(Self.kind(of: value))")
        }
        for key in object.keys.sorted() where !known.contains(key) {
            throw SuiteError("\(path): unknown field '\(key)'; expected one of: \(known.sorted().joined(separator: ", "))")
        }
        self.object = object
        self.path = path
    }

    /// A required or defaulted string.
    func string(_ key: String, default fallback: String? = nil) throws(SuiteError) -> String {
        guard let value = object[key] else { return try missing(key, fallback) }
        guard let text = value as? String else { throw wrong(key, "a string", value) }
        return text
    }

    /// A required or defaulted whole number in `range`.
    func integer(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws(SuiteError) -> Int {
        guard let value = object[key] else { return try missing(key, fallback) }
        let expected = "an integer in \(range.lowerBound)...\(range.upperBound)"
        guard let number = Self.number(value), number == number.rounded(), abs(number) < 1e15,
              range.contains(Int(number)) else { throw wrong(key, expected, value) }
        return Int(number)
    }

    /// A required finite number.
    func number(_ key: String) throws(SuiteError) -> Double {
        guard let value = object[key] else { return try missing(key, nil) }
        guard let number = Self.number(value), number.isFinite else { throw wrong(key, "a finite number", value) }
        return number
    }

    /// A required list of seeds, distinct, in 0...2⁵³ (the integers a JSON number holds exactly).
    func seeds(_ key: String) throws(SuiteError) -> [UInt64] {
        guard let value = object[key] else { return try missing(key, nil) }
        let expected = "a non-empty list of distinct integers in 0...9007199254740992"
        guard let list = value as? [Any], !list.isEmpty else { throw wrong(key, expected, value) }
        var seeds: [UInt64] = []
        for item in list {
            guard let number = Self.number(item), number == number.rounded(), number >= 0, number <= 9_007_199_254_740_992,
                  !seeds.contains(UInt64(number)) else { throw wrong(key, expected, value) }
            seeds.append(UInt64(number))
        }
        return seeds
    }

    /// An optional object of strings.
    func strings(_ key: String) throws(SuiteError) -> [String: String] {
        guard let value = object[key] else { return [:] }
        guard let dictionary = value as? [String: Any] else { throw wrong(key, "an object of strings", value) }
        var strings: [String: String] = [:]
        for (name, item) in dictionary {
            guard let text = item as? String else { throw wrong("\(key).\(name)", "a string", item) }
            strings[name] = text
        }
        return strings
    }

    /// A required array.
    func array(_ key: String) throws(SuiteError) -> [Any] {
        guard let value = object[key] else { return try missing(key, nil) }
        guard let array = value as? [Any] else { throw wrong(key, "an array", value) }
        return array
    }

    /// A required nested value.
    func value(_ key: String) throws(SuiteError) -> Any {
        guard let value = object[key] else { return try missing(key, nil as Int?) }
        return value
    }

    /// An error about the field `key`.
    func error(_ key: String, _ message: String) -> SuiteError {
        SuiteError("\(path).\(key): \(message)")
    }

    private func missing<Value>(_ key: String, _ fallback: Value?) throws(SuiteError) -> Value {
        guard let fallback else { throw SuiteError("\(path): missing field '\(key)'") }
        return fallback
    }

    private func wrong(_ key: String, _ expected: String, _ value: Any) -> SuiteError {
        SuiteError("\(path).\(key): expected \(expected), got \(Self.text(of: value))")
    }

    /// A JSON number, but not a boolean (`JSONSerialization` gives both as `NSNumber`).
    private static func number(_ value: Any) -> Double? {
        guard type(of: value) != Bool.self, let number = value as? NSNumber else { return nil }
        if type(of: value) != Int.self && type(of: value) != Double.self && String(cString: number.objCType) == "c" { return nil }
        // Foundation on Linux reads long decimals as NSDecimalNumber, whose doubleValue is not the
        // nearest double (0.012001000000000001 gives 0.012001): read its exact text instead.
        if let decimal = value as? NSDecimalNumber, let exact = Double(decimal.description) { return exact }
        return number.doubleValue
    }

    /// A value as short JSON-like text for messages.
    static func text(of value: Any) -> String {
        if let text = value as? String { return "\"\(text)\"" }
        if let number = number(value) { return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number) }
        return kind(of: value)
    }

    private static func kind(of value: Any) -> String {
        if value is String { return "a string" }
        if number(value) != nil { return "a number" }
        if value is NSNull { return "null" }
        if value is [Any] { return "an array" }
        if value is [String: Any] { return "an object" }
        return "a boolean"
    }
}
