import NNBenchEngine

/// One record of a TensorBoard event file: TensorBoard's `Event` message with the parts nnbench
/// writes, a file version or a summary of tagged values.
///
/// The field numbers are those of `tensorboard/compat/proto/event.proto` and `summary.proto`
/// (public, and fixed by every event file written since 2016), checked against the message
/// classes the `tensorboard` wheel ships:
///
/// - `Event`: `double wall_time = 1; int64 step = 2;` and one of `string file_version = 3;
///   Summary summary = 5;`
/// - `Summary`: `repeated Value value = 1;`
/// - `Summary.Value`: `string tag = 1;` and one of `float simple_value = 2;
///   HistogramProto histo = 5;`
/// - `HistogramProto`: `double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5;
///   repeated double bucket_limit = 6 [packed], bucket = 7 [packed];`
///
/// The messages are proto3: a plain field holding its default (0, +0.0, empty) is left out, a
/// member of a `oneof` never is. ``encoded`` follows that, so its bytes are the ones protobuf's
/// own serializer writes for the same message.
struct TensorBoardEvent: Equatable {
    /// One tagged value of a summary.
    struct Value: Equatable {
        /// The tag, e.g. `loss/train`; TensorBoard groups tags by what comes before the first `/`.
        var tag: String
        /// The value itself.
        var content: Content
    }

    /// A value's content.
    enum Content: Equatable {
        /// A scalar; TensorBoard's `simple_value` is a 32-bit float.
        case scalar(Float)
        /// A histogram.
        case histogram(Histogram)
    }

    /// What the event carries.
    enum Payload: Equatable {
        /// The format version, `brain.Event:2`: the first event of every file.
        case fileVersion(String)
        /// Tagged values.
        case summary([Value])
    }

    /// Seconds since 1970; nnbench writes a derived time (see ``TensorBoardLog``).
    var wallTime: Double
    /// The step; nnbench's steps are epochs.
    var step: Int64
    /// The file version or the summary.
    var payload: Payload

    /// The event in protobuf's binary encoding.
    var encoded: [UInt8] {
        var event = ProtobufWriter()
        if wallTime.bitPattern != 0 { event.double(1, wallTime) }
        if step != 0 { event.int64(2, step) }
        switch payload {
        case .fileVersion(let version):
            event.string(3, version)
        case .summary(let values):
            var summary = ProtobufWriter()
            for value in values { summary.lengthDelimited(1, Self.encode(value)) }
            event.lengthDelimited(5, summary.bytes)
        }
        return event.bytes
    }

    private static func encode(_ value: Value) -> [UInt8] {
        var message = ProtobufWriter()
        if !value.tag.isEmpty { message.string(1, value.tag) }
        switch value.content {
        case .scalar(let scalar): message.float(2, scalar)
        case .histogram(let histogram): message.lengthDelimited(5, encode(histogram))
        }
        return message.bytes
    }

    /// A histogram as TensorBoard's `HistogramProto`: bucket `i` spans from the previous limit
    /// (from `min` for the first) to `bucket_limit[i]`, as TensorBoard reads it; nnbench's bins
    /// are equal-width between the smallest and largest value, so the limits are their right
    /// edges and the last is `max`. `num` counts the finite values only: the histogram's
    /// ``Histogram/nonFinite`` count has no field.
    private static func encode(_ histogram: Histogram) -> [UInt8] {
        var message = ProtobufWriter()
        let fields = [histogram.lower, histogram.upper, Double(histogram.total), histogram.sum, histogram.sumOfSquares]
        for (index, value) in fields.enumerated() where value.bitPattern != 0 { message.double(index + 1, value) }
        if !histogram.counts.isEmpty {
            message.packedDoubles(6, histogram.upperEdges)
            message.packedDoubles(7, histogram.counts.map { Double($0) })
        }
        return message.bytes
    }
}
