import CZlib

/// The zlib format (RFC 1950) and zlib's CRC-32, through the system zlib: what a PNG file's
/// image data and chunks are made of.
package enum Zlib {
    /// Compresses bytes into a zlib stream: a 2-byte header, the deflate stream, the Adler-32 of
    /// the data. The same bytes and level give the same output on every run.
    ///
    /// - Parameters:
    ///   - bytes: The data to compress.
    ///   - level: The compression level, 0 (store) to 9 (smallest).
    package static func compress(_ bytes: [UInt8], level: Int = 9) -> [UInt8] {
        Gzip.compress(bytes, level: level, wrapper: .zlib)
    }

    /// Decompresses a zlib stream, checking its Adler-32.
    ///
    /// - Parameters:
    ///   - bytes: One complete zlib stream.
    ///   - limit: The largest decompressed size accepted, in bytes.
    /// - Throws: ``GzipError`` as ``Gzip/decompress(_:limit:)`` does.
    package static func decompress(_ bytes: [UInt8], limit: Int) throws(GzipError) -> [UInt8] {
        try Gzip.decompress(bytes, limit: limit, wrapper: .zlib)
    }

    /// The CRC-32 (ISO 3309, the polynomial of gzip and PNG) of `bytes`.
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            // zlib's length is 32-bit: feed it in chunks.
            var crc = CZlib.crc32(0, nil, 0)
            var offset = 0
            repeat {
                let count = min(buffer.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, buffer.baseAddress.map { $0 + offset }, uInt(count))
                offset += count
            } while offset < buffer.count
            return UInt32(crc)
        }
    }
}
