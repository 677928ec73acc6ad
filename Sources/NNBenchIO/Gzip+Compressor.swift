import CZlib

extension Gzip {
    /// A gzip (or zlib) stream compressed piece by piece, for output too large to hold in memory.
    ///
    /// The bytes are those of ``Gzip/compress(_:level:)`` on the concatenated input, however the
    /// input is cut into pieces: zlib's deflate decides its blocks from what it has buffered, not
    /// from where a call's input ends (a test checks it on cuts of every size).
    ///
    /// Use one compressor from one thread: ``compress(_:)`` any number of times, then
    /// ``finish()`` once.
    public final class Compressor {
        /// The size of the buffer deflate writes into before its bytes are copied out.
        static let outputChunk = 1 << 16

        private let stream: UnsafeMutablePointer<z_stream>
        // zlib keeps a pointer to the header until the header is written; it must not move.
        private let header: UnsafeMutablePointer<gz_header>
        private var finished = false

        /// Starts a gzip stream.
        ///
        /// - Parameter level: The zlib compression level, 0 (store) to 9 (smallest). Default 9.
        public convenience init(level: Int = 9) {
            self.init(level: level, wrapper: .gzip)
        }

        /// Starts a deflate stream inside `wrapper`.
        init(level: Int, wrapper: Wrapper) {
            precondition((0...9).contains(level), "zlib level \(level) is outside 0...9")
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            header = .allocate(capacity: 1)
            header.initialize(to: gz_header())
            header.pointee.os = 255
            var status = deflateInit2_(
                stream, Int32(level), Z_DEFLATED, wrapper.windowBits, 8, Z_DEFAULT_STRATEGY,
                zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            // Only an out-of-memory condition can fail here; the arguments are all valid.
            precondition(status == Z_OK, "deflateInit2 failed with zlib status \(status)")
            if wrapper == .gzip {
                status = deflateSetHeader(stream, header)
                precondition(status == Z_OK, "deflateSetHeader failed with zlib status \(status)")
            }
        }

        deinit {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            header.deinitialize(count: 1)
            header.deallocate()
        }

        /// Compresses the next piece of input.
        ///
        /// - Parameter bytes: The input, after every piece given before.
        /// - Returns: The compressed bytes deflate has produced so far (often none: it buffers).
        public func compress(_ bytes: [UInt8]) -> [UInt8] {
            precondition(!finished, "Gzip.Compressor: compress after finish")
            return bytes.withUnsafeBufferPointer { deflate($0, flush: Z_NO_FLUSH) }
        }

        /// Ends the stream.
        ///
        /// - Returns: The remaining compressed bytes and the trailer (gzip: CRC-32 and length).
        public func finish() -> [UInt8] {
            precondition(!finished, "Gzip.Compressor: finish twice")
            finished = true
            return deflate(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        }

        /// Runs deflate over `input` until it has taken all of it (and, with `Z_FINISH`, ended the
        /// stream), collecting its output.
        private func deflate(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) -> [UInt8] {
            var output: [UInt8] = []
            var scratch = [UInt8](repeating: 0, count: Compressor.outputChunk)
            var consumed = 0
            while true {
                let inputChunk = min(input.count - consumed, Gzip.maximumChunk)
                let last = consumed + inputChunk == input.count
                let (status, read, written) = scratch.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.pointee.avail_in = uInt(inputChunk)
                    stream.pointee.next_out = out.baseAddress!
                    stream.pointee.avail_out = uInt(out.count)
                    let status = CZlib.deflate(stream, last ? flush : Z_NO_FLUSH)
                    return (status, inputChunk - Int(stream.pointee.avail_in), out.count - Int(stream.pointee.avail_out))
                }
                consumed += read
                output += scratch[..<written]
                // Z_BUF_ERROR only says no progress was possible, which with room for output means
                // the input is used up; any other status is a programming error.
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR,
                             "deflate failed with zlib status \(status)")
                if status == Z_STREAM_END { return output }
                // Deflate has taken all the input and, with room left, has nothing more to say.
                if last && consumed == input.count && written < scratch.count && flush != Z_FINISH { return output }
            }
        }
    }
}
