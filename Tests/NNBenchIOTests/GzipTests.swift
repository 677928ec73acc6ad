import Foundation
import Testing
@testable import NNBenchIO

@Suite("Gzip")
struct GzipTests {
    static let small = Array("The quick brown fox jumps over the lazy dog.\n".utf8)

    /// Round-trip inputs, passed by name so that the test log does not print a megabyte.
    enum Fixture: String, CaseIterable, CustomTestStringConvertible {
        case empty, small, pseudoRandomMegabyte, repetitiveMegabyte

        var bytes: [UInt8] {
            switch self {
            case .empty: return []
            case .small: return GzipTests.small
            case .pseudoRandomMegabyte: return pseudoRandomBytes(count: 1 << 20, seed: 1)
            case .repetitiveMegabyte: return GzipTests.repetitiveMegabyte
            }
        }

        var testDescription: String { rawValue }
    }

    static let repetitiveMegabyte = [UInt8]((0..<(1 << 20)).map { UInt8($0 % 7) })

    @Test(arguments: Fixture.allCases)
    func roundTrip(_ fixture: Fixture) throws {
        let bytes = fixture.bytes
        let compressed = Gzip.compress(bytes)
        #expect(try Gzip.decompress(compressed, limit: bytes.count) == bytes)
    }

    @Test func repetitiveDataShrinks() {
        // Guards against a level being ignored: deflate stores 1 MB of period-7 bytes in a few KB.
        #expect(Gzip.compress(Self.repetitiveMegabyte).count < 10_000)
        #expect(Gzip.compress(Self.repetitiveMegabyte, level: 0).count > Self.repetitiveMegabyte.count)
    }

    @Test func headerIsFixed() {
        let compressed = Gzip.compress(Self.small)
        // Magic, deflate, no flags (no name, comment or extra), mtime 0, xfl 2 (level 9), os 255.
        #expect(Array(compressed.prefix(10)) == [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff])
        // The trailer ends with the input length, little-endian.
        #expect(Array(compressed.suffix(4)) == [UInt8(Self.small.count), 0, 0, 0])
    }

    @Test func outputIsDeterministic() {
        let bytes = pseudoRandomBytes(count: 100_000, seed: 2) + [UInt8](repeating: 9, count: 100_000)
        #expect(Gzip.compress(bytes) == Gzip.compress(bytes))
        #expect(Gzip.compress(bytes, level: 1) == Gzip.compress(bytes, level: 1))
    }

    @Test(.enabled(if: executableOnPath("gunzip") != nil, "gunzip is not on PATH"))
    func gunzipReadsOurOutput() throws {
        let bytes = pseudoRandomBytes(count: 50_000, seed: 4) + Self.small
        let output = try runProcess(executableOnPath("gunzip")!, arguments: ["-c"], input: Gzip.compress(bytes))
        #expect(output == bytes)
    }

    @Test(arguments: [0, 1, 5, 9, 10, 20, -9, -8, -4, -1])
    func truncatedDataEndsEarly(cut: Int) {
        let compressed = Gzip.compress(pseudoRandomBytes(count: 1000, seed: 5))
        // A negative cut drops that many bytes from the end: inside the CRC-32 or length trailer.
        let length = cut >= 0 ? cut : compressed.count + cut
        #expect(throws: GzipError.endsEarly(inputBytes: length)) {
            try Gzip.decompress(Array(compressed.prefix(length)), limit: 1000)
        }
    }

    @Test func flippedPayloadByteFailsTheCRC() {
        // Level 0 stores the input verbatim, so the flip changes the data but not the block structure.
        var compressed = Gzip.compress(Self.small, level: 0)
        compressed[compressed.count - 8 - 10] ^= 0x01
        #expect(throws: GzipError.corrupt("incorrect data check")) {
            try Gzip.decompress(compressed, limit: 1000)
        }
    }

    @Test func flippedLengthByteFailsTheLengthCheck() {
        var compressed = Gzip.compress(Self.small)
        compressed[compressed.count - 4] ^= 0x01
        #expect(throws: GzipError.corrupt("incorrect length check")) {
            try Gzip.decompress(compressed, limit: 1000)
        }
    }

    @Test func trailingBytesAreReported() {
        let compressed = Gzip.compress(Self.small) + [1, 2, 3]
        #expect(throws: GzipError.trailingData(bytes: 3)) {
            try Gzip.decompress(compressed, limit: 1000)
        }
    }

    @Test func nonGzipDataHasABadHeader() throws {
        let error = #expect(throws: GzipError.self) {
            try Gzip.decompress(Array("plain text, not gzip\n".utf8), limit: 1000)
        }
        #expect(error == .corrupt("incorrect header check"))
        #expect(error?.description == "gzip data is corrupt: incorrect header check")
    }

    @Test func bombStopsAtTheLimit() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 10_000_000))
        #expect(bomb.count < 20_000)
        #expect(throws: GzipError.exceedsLimit(1_000_000)) {
            try Gzip.decompress(bomb, limit: 1_000_000)
        }
    }

    @Test func limitIsInclusive() throws {
        let compressed = Gzip.compress(Self.small)
        #expect(try Gzip.decompress(compressed, limit: Self.small.count) == Self.small)
        #expect(throws: GzipError.exceedsLimit(Self.small.count - 1)) {
            try Gzip.decompress(compressed, limit: Self.small.count - 1)
        }
        #expect(throws: GzipError.exceedsLimit(0)) { try Gzip.decompress(compressed, limit: 0) }
    }

    @Test func descriptionsAreOneLine() {
        let errors: [GzipError] = [
            .endsEarly(inputBytes: 12), .corrupt("incorrect data check"), .trailingData(bytes: 3),
            .exceedsLimit(1_000_000), .zlib(status: -4, message: nil),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
        }
        #expect(GzipError.exceedsLimit(1_000_000).description.contains("1000000"))
        #expect(GzipError.endsEarly(inputBytes: 12).description.contains("ends early"))
    }
}
