@testable import NNBenchIO
import Testing

/// CRC-32C against published check values.
@Suite("CRC-32C")
struct CRC32CTests {
    /// The catalogue's check value (Williams, "A painless guide to CRC error detection"; the
    /// `check` of CRC-32/ISCSI in Reveng's catalogue) and the empty message.
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// RFC 3720 (iSCSI), appendix B.4: 32 bytes of zeros, of ones, ascending and descending.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }
}
