import CZlib

/// Gzip (RFC 1952) compression and decompression through the system zlib.
///
/// Output is deterministic: the header has modification time 0, no file name, no comment and the
/// operating-system byte 255 ("unknown") rather than the build platform's, so the same input and
/// level give the same bytes on every run. The deflate stream itself is zlib's; another deflate
/// implementation (zlib-ng, a patched zlib) may choose different, equally valid, bytes.
public enum Gzip {
    /// The largest count zlib's 32-bit `avail_in` and `avail_out` take in one call.
    static let maximumChunk = Int(UInt32.max)

    /// The size of the buffer decompression inflates into before copying out.
    static let inflateChunk = 1 << 16

    /// Compresses bytes into a gzip file.
    ///
    /// - Parameters:
    ///   - bytes: The data to compress.
    ///   - level: The zlib compression level, 0 (store) to 9 (smallest). Default 9.
    /// - Returns: A complete gzip file: 10-byte header `1f 8b 08 00 00000000 xfl ff`, the deflate
    ///   stream, then CRC-32 and length, both little-endian.
    /// - Complexity: O(n) time; one output buffer of zlib's worst-case bound for n bytes.
    public static func compress(_ bytes: [UInt8], level: Int = 9) -> [UInt8] {
        compress(bytes, level: level, wrapper: .gzip)
    }

    /// The header and trailer around a deflate stream: gzip's (RFC 1952) or zlib's (RFC 1950).
    enum Wrapper {
        case gzip, zlib

        /// zlib's `windowBits`: a 32 KiB window, plus 16 for a gzip wrapper.
        var windowBits: Int32 { self == .gzip ? 15 + 16 : 15 }
    }

    /// Compresses bytes into a deflate stream inside `wrapper`; the gzip header is the
    /// deterministic one ``compress(_:level:)`` describes.
    static func compress(_ bytes: [UInt8], level: Int, wrapper: Wrapper) -> [UInt8] {
        let compressor = Compressor(level: level, wrapper: wrapper)
        var output = compressor.compress(bytes)
        output += compressor.finish()
        return output
    }

    /// Decompresses one gzip member, checking its CRC-32 and length.
    ///
    /// Inflation stops as soon as the output would pass `limit`, so a small file that inflates to
    /// gigabytes (a gzip bomb) costs at most `limit` bytes of memory.
    ///
    /// - Parameters:
    ///   - bytes: A complete gzip file of one member.
    ///   - limit: The largest decompressed size accepted, in bytes.
    /// - Returns: The decompressed data.
    /// - Throws: ``GzipError`` when the data ends early, is corrupt (bad header, CRC-32 or length),
    ///   has bytes after the end of the member, or inflates to more than `limit` bytes.
    /// - Complexity: O(n + m) time for n input and m output bytes; O(m) memory, m ≤ `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(GzipError) -> [UInt8] {
        try decompress(bytes, limit: limit, wrapper: .gzip)
    }

    /// Decompresses one deflate stream inside `wrapper`, checking its trailer, as
    /// ``decompress(_:limit:)`` describes; data in the other wrapper, or raw deflate data, is
    /// reported as a bad header.
    static func decompress(_ bytes: [UInt8], limit: Int, wrapper: Wrapper) throws(GzipError) -> [UInt8] {
        precondition(limit >= 0, "negative gzip limit \(limit)")
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let initStatus = inflateInit2_(stream, wrapper.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw .zlib(status: initStatus, message: message(of: stream)) }
        defer { inflateEnd(stream) }

        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: inflateChunk)
        defer { scratch.deallocate() }
        var output: [UInt8] = []
        let trailing = try bytes.withUnsafeBufferPointer { input throws(GzipError) -> Int in
            var consumed = 0
            while true {
                let inputChunk = min(input.count - consumed, maximumChunk)
                // One byte past the limit is enough to know the limit is passed.
                let outputChunk = min(scratch.count, limit - output.count + 1)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                stream.pointee.avail_in = uInt(inputChunk)
                stream.pointee.next_out = scratch.baseAddress!
                stream.pointee.avail_out = uInt(outputChunk)
                let status = inflate(stream, Z_NO_FLUSH)
                let read = inputChunk - Int(stream.pointee.avail_in)
                let written = outputChunk - Int(stream.pointee.avail_out)
                consumed += read
                guard output.count + written <= limit else { throw .exceedsLimit(limit) }
                if written > 0 {
                    if output.capacity < output.count + written {
                        // Grow geometrically but never past the limit.
                        output.reserveCapacity(min(limit, max(output.count + written, 2 * output.capacity)))
                    }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<written]))
                }
                switch status {
                case Z_STREAM_END:
                    return input.count - consumed
                case Z_OK, Z_BUF_ERROR:
                    // With room for output, inflate stalls only when it has used up all its input.
                    if read == 0 && written == 0 { throw .endsEarly(inputBytes: input.count) }
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw .corrupt(message(of: stream) ?? "invalid deflate data")
                default:
                    throw .zlib(status: status, message: message(of: stream))
                }
            }
        }
        guard trailing == 0 else { throw .trailingData(bytes: trailing) }
        return output
    }

    /// zlib's description of the last error, if it set one.
    private static func message(of stream: UnsafeMutablePointer<z_stream>) -> String? {
        stream.pointee.msg.map { String(cString: $0) }
    }
}
