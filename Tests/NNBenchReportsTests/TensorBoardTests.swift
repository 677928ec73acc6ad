import NNBenchDatasets
import NNBenchEngine
@testable import NNBenchIO
@testable import NNBenchReports
import Testing

/// TensorBoard event files: the protobuf encoding, the TFRecord framing, and the bytes against
/// those Python's protobuf writes with tensorboard's own message classes.
@Suite("TensorBoard event files")
struct TensorBoardTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// Base-128 varints: protobuf's documented examples (1, 150 → `96 01`, 300 → `ac 02`), the
    /// 7-bit boundaries, the largest value, and a negative int64 as ten bytes.
    @Test func varints() {
        func encoded(_ value: UInt64) -> [UInt8] {
            var writer = ProtobufWriter()
            writer.varint(value)
            return writer.bytes
        }
        #expect(encoded(0) == [0x00] && encoded(1) == [0x01] && encoded(127) == [0x7F])
        #expect(encoded(128) == [0x80, 0x01] && encoded(150) == [0x96, 0x01] && encoded(300) == [0xAC, 0x02])
        #expect(encoded(UInt64.max) == [UInt8](repeating: 0xFF, count: 9) + [0x01])
        var writer = ProtobufWriter()
        writer.int64(2, -1)
        #expect(writer.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    /// The mask: `0xa282ead8` for a CRC of 0, and tensorboard's `masked_crc32c(b"123456789")`.
    @Test func maskedChecksums() {
        #expect(TFRecord.masked(0) == 0xA282_EAD8)
        #expect(TFRecord.masked(CRC32C.checksum(Array("123456789".utf8))) == 0xC78A_B0E5)
    }

    /// A file of two events, byte for byte as Python writes it: tensorboard 2.21's `event_pb2`
    /// with protobuf 7.36 (`SerializeToString`) and tensorboard's `RecordWriter` for the framing.
    /// The second event has a scalar, a scalar 0 (written, as a oneof member always is) and a
    /// histogram; the first omits its wall time 0 and step 0 (proto3 leaves defaults out).
    @Test func eventsAreTheBytesPythonWrites() {
        let histogram = Histogram(lower: -1, upper: 2, counts: [1, 0, 2], sum: 2.5, sumOfSquares: 5.25)
        let event = TensorBoardEvent(wallTime: 3, step: 3, payload: .summary([
            .init(tag: "loss/train", content: .scalar(0.25)), .init(tag: "r2/test", content: .scalar(0)),
            .init(tag: "weights/0.weight", content: .histogram(histogram)),
        ]))
        let python = Self.hex(
            "09000000000000084010032a9a010a110a0a6c6f73732f747261696e150000803e0a0e0a0772322f7465737415000000000a750a10776569676874"
                + "732f302e7765696768742a6109000000000000f0bf110000000000000040190000000000000840210000000000000440290000000000001540"
                + "32180000000000000000000000000000f03f00000000000000403a18000000000000f03f00000000000000000000000000000040")
        #expect(event.encoded == python)
        var file: [UInt8] = []
        TFRecord.append(TensorBoardEvent(wallTime: 0, step: 0, payload: .fileVersion("brain.Event:2")).encoded, to: &file)
        TFRecord.append(event.encoded, to: &file)
        #expect(file == Self.hex("0f000000000000006d532b091a0d627261696e2e4576656e743a32fc985129a800000000000000fcd8de2d") + python + Self.hex("103554b2"))
    }

    /// proto3's rule, as Python's protobuf applies it: a plain field at +0.0 or 0 is left out
    /// (wall time, max, sum, sum of squares here), -0.0 is not (its bits are not zero), and a
    /// packed field holding zeros is written. A gradient that is zero everywhere looks like this.
    @Test func defaultsAreLeftOutAsPythonLeavesThemOut() {
        let histogram = Histogram(lower: -0.0, upper: 0, counts: [4], sum: 0, sumOfSquares: 0)
        let event = TensorBoardEvent(wallTime: 0, step: 7, payload: .summary([.init(tag: "gradients/2.bias", content: .histogram(histogram))]))
        #expect(event.encoded == Self.hex(
            "10072a3c0a3a0a106772616469656e74732f322e626961732a26090000000000000080190000000000001040320800000000000000003a080000000000001040"))
    }

    /// A short observed run: one event per epoch after the version, the same bytes twice, and
    /// the tags of every curve the report draws.
    @Test func anObservedRunLogsEveryCurveTheSameWayTwice() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        func record() throws -> TrainingRecord { try TrainingReportTests.train(task, "dense(4) relu dense(1)", epochs: 2, batch: 4).1 }
        let first = TensorBoardLog(record: try record()), second = TensorBoardLog(record: try record())
        #expect(first.bytes == second.bytes)
        #expect(first.events.count == 4 && first.events.map(\.step) == [0, 0, 1, 2])
        guard case .summary(let values) = first.events[3].payload else { Issue.record("epoch 2 has no summary"); return }
        let tags = Set(values.map(\.tag))
        let expected: Set<String> = [
            "loss/train", "loss/valid", "loss/test", "accuracy/train", "accuracy/valid", "accuracy/test", "learning_rate",
            "weights/0.weight/norm", "weights/0.weight/update_ratio", "gradients/0.weight/mean_norm", "weights/0.weight", "gradients/0.weight",
            "activations/1.relu/dead_fraction", "activations/1.relu",
        ]
        #expect(expected.isSubset(of: tags), "missing \(expected.subtracting(tags))")
    }
}
