import NNBenchIO

/// TFRecord framing, the container of TensorBoard's event files: each record is
///
///     uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes
///     | the data | uint32 masked CRC-32C of the data
///
/// A reader checks both checksums, so a torn or corrupted file is detected rather than misread.
enum TFRecord {
    /// The checksum as TFRecord stores it: rotated right by 15 bits plus a constant, so that a
    /// CRC computed over data that embeds CRCs is not trivially related to them.
    static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// Appends `data` as one record.
    ///
    /// - Parameters:
    ///   - data: The record's bytes (an encoded ``TensorBoardEvent``).
    ///   - file: The file's bytes so far.
    static func append(_ data: [UInt8], to file: inout [UInt8]) {
        let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(data.count) >> (8 * $0)) }
        file += length
        appendChecksum(of: length, to: &file)
        file += data
        appendChecksum(of: data, to: &file)
    }

    private static func appendChecksum(of bytes: [UInt8], to file: inout [UInt8]) {
        let crc = masked(CRC32C.checksum(bytes))
        for index in 0..<4 { file.append(UInt8(truncatingIfNeeded: crc >> (8 * index))) }
    }
}
