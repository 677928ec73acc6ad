import Foundation

/// Refusing a JSON object that gives a field twice.
///
/// Foundation's decoder keeps the first of two equal keys and Python's `json` the last, so one
/// file would mean two things (a suite entry `"name": "xor", "name": "zzz"` runs as xor in
/// nnbench and as zzz elsewhere), and a baseline's digest, taken over the decoded record, would
/// not see the second. The check is a scan of the bytes, not a parse: it follows strings and
/// nesting only, and leaves every other error to the decoder, which reports it with its place.
/// Keys are compared as the decoder reads them: a key with escapes (`"t\u0061sk"`) is decoded
/// first, so that it is the same field as `"task"`.
extension JSONDecoder {
    /// Decodes `type` from `bytes` after refusing any object that gives a field twice.
    ///
    /// - Throws: `DecodingError.dataCorrupted` at the second field's path (`entries[2].name`):
    ///   `given twice in one object`; otherwise whatever `decode(_:from:)` throws.
    package func decodeRefusingRepeatedFields<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if let path = Self.repeatedField(in: bytes) {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: "given twice in one object; a field may appear once"))
        }
        return try decode(type, from: Data(bytes))
    }

    /// The path of the first field given a second time in its object, or `nil` when none is
    /// (malformed text included: the decoder says what is wrong with it).
    static func repeatedField(in bytes: [UInt8]) -> [JSONPathKey]? {
        // One frame per open container: an object's fields so far and the key being read, or an
        // array's current index.
        enum Frame { case object(keys: Set<String>, key: String?, expectsKey: Bool), array(index: Int) }
        var frames: [Frame] = []
        func path(_ last: String) -> [JSONPathKey] {
            var keys: [JSONPathKey] = frames.dropLast().compactMap { frame in
                switch frame {
                case .object(_, let key, _): key.map { JSONPathKey($0) }
                case .array(let index): JSONPathKey(index: index)
                }
            }
            keys.append(JSONPathKey(last))
            return keys
        }
        // A key as the decoder reads it: escapes decoded (a malformed one is left as written, for
        // the decoder to report).
        func key(_ raw: ArraySlice<UInt8>) -> String {
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
            let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
            return (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String ?? String(decoding: raw, as: UTF8.self)
        }
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"): frames.append(.object(keys: [], key: nil, expectsKey: true))
            case UInt8(ascii: "["): frames.append(.array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !frames.isEmpty { frames.removeLast() }
            case UInt8(ascii: ","):
                switch frames.last {
                case .object(let keys, let key, _): frames[frames.count - 1] = .object(keys: keys, key: key, expectsKey: true)
                case .array(let index): frames[frames.count - 1] = .array(index: index + 1)
                case nil: break
                }
            case UInt8(ascii: "\""):
                let start = i + 1
                i = start
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < bytes.count else { return nil }
                if case .object(var keys, _, true) = frames.last {
                    let key = key(bytes[start..<i])
                    guard keys.insert(key).inserted else { return path(key) }
                    frames[frames.count - 1] = .object(keys: keys, key: key, expectsKey: false)
                }
            default: break
            }
            i += 1
        }
        return nil
    }
}
