/// Protocol Buffers' binary wire format (https://protobuf.dev/programming-guides/encoding/), as
/// much of it as TensorBoard's event files need: varints, 64- and 32-bit little-endian fields,
/// length-delimited fields and packed repeated doubles.
///
/// Why by hand rather than with swift-protobuf: the four messages written (``TensorBoardEvent``)
/// take about a hundred lines, are only ever written, never parsed, and their field numbers are
/// fixed by files already on disk everywhere; swift-protobuf would add a dependency, a generated
/// file to keep in step with a `.proto`, and minutes of build time on a small machine. The bytes
/// are checked against Python's protobuf (tensorboard's own message classes) by
/// `Tests/NNBenchReportsTests/TensorBoardTests.swift` and `scripts/check_tensorboard.py`.
///
/// Fields are written in the order they are added; the messages add them in field-number order,
/// as protobuf's own serializers do, so the bytes are the canonical ones.
struct ProtobufWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// The wire types used (protobuf numbers them 0, 1, 2 and 5).
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// Appends `value` as a base-128 varint: seven bits per byte, least significant first, the
    /// high bit set on every byte but the last.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a field's key: `(field << 3) | wire type`, as a varint.
    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    /// Appends an `int64` field; a negative value takes ten bytes, its two's complement.
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// Appends a `double` field: 8 bytes, little-endian IEEE 754.
    mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        littleEndian(value.bitPattern, bytes: 8)
    }

    /// Appends a `float` field: 4 bytes, little-endian IEEE 754.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        littleEndian(UInt64(value.bitPattern), bytes: 4)
    }

    /// Appends a `bytes` field, or an embedded message's encoding: its length, then the bytes.
    mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    /// Appends a `string` field, in UTF-8.
    mutating func string(_ field: Int, _ value: String) {
        lengthDelimited(field, Array(value.utf8))
    }

    /// Appends a packed `repeated double` field: one length-delimited field holding every value's
    /// 8 bytes.
    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        key(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for value in values { littleEndian(value.bitPattern, bytes: 8) }
    }

    private mutating func littleEndian(_ value: UInt64, bytes count: Int) {
        for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
