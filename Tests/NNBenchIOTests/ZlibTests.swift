import Testing
@testable import NNBenchIO

/// The zlib format and CRC-32 that PNG files are made of.
@Suite("zlib")
struct ZlibTests {
    @Test func crc32IsTheStandardCheckValue() {
        // The check value of CRC-32/ISO-HDLC ("123456789"), as the catalogue of parametrised CRCs lists it.
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.crc32([]) == 0)
    }

    @Test func zlibStreamsRoundTripAndAreNotGzip() throws {
        let bytes = GzipTests.repetitiveMegabyte
        let compressed = Zlib.compress(bytes)
        // RFC 1950: CMF 0x78 (deflate, 32 KiB window), and the header is a multiple of 31.
        #expect(compressed[0] == 0x78 && (Int(compressed[0]) << 8 | Int(compressed[1])) % 31 == 0)
        #expect(try Zlib.decompress(compressed, limit: bytes.count) == bytes)
        #expect(throws: GzipError.self) { try Zlib.decompress(Gzip.compress(bytes), limit: bytes.count) }
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed, limit: bytes.count) }
    }
}
