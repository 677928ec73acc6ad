/// CRC-32C, the Castagnoli polynomial (Castagnoli, Bräuer and Herrmann, IEEE Trans. Commun. 41(6),
/// 1993; RFC 3720 §B.4): the checksum of TFRecord files, which TensorBoard's event files are.
///
/// zlib has only the ISO 3309 CRC-32 (``Zlib/crc32(_:)``) and swift-crypto no CRC at all, so this
/// is nnbench's own: the reflected polynomial `0x82F63B78`, initial value and final XOR
/// `0xFFFFFFFF`, one table lookup per byte (event files are small; speed does not matter here).
/// Check value: `checksum("123456789") == 0xE3069283`.
package enum CRC32C {
    /// `table[b]`: the CRC of the byte `b` alone, without the initial value and final XOR.
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    ///
    /// - Parameter bytes: The message.
    /// - Returns: The checksum, as RFC 3720 defines it (not yet masked as TFRecord stores it).
    package static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
