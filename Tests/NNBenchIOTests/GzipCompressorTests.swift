import Testing
@testable import NNBenchIO

@Suite("Gzip.Compressor")
struct GzipCompressorTests {
    /// Half incompressible, half repetitive, so that deflate both stores and matches.
    static let input = pseudoRandomBytes(count: 300_000, seed: 5) + [UInt8]((0..<300_000).map { UInt8($0 % 13) })

    /// Feeds `input` in pieces of `cut` bytes.
    static func piecewise(_ input: [UInt8], cut: Int, level: Int = 9) -> [UInt8] {
        let compressor = Gzip.Compressor(level: level)
        var output: [UInt8] = []
        for start in stride(from: 0, to: input.count, by: cut) {
            output += compressor.compress(Array(input[start..<min(start + cut, input.count)]))
        }
        return output + compressor.finish()
    }

    // The streaming export's gzip files must be the bytes of the one-shot compression, or the
    // same data would give different files depending on how it was cut.
    @Test(arguments: [1, 7, 1000, 65_536, 65_537, 600_000])
    func piecesGiveTheBytesOfOneCall(cut: Int) {
        let input = cut == 1 ? Array(Self.input.prefix(20_000)) : Self.input
        #expect(Self.piecewise(input, cut: cut) == Gzip.compress(input))
        #expect(Self.piecewise(input, cut: cut, level: 1) == Gzip.compress(input, level: 1))
    }

    @Test func emptyStreamIsAnEmptyGzipFile() throws {
        let bytes = Gzip.Compressor().finish()
        #expect(bytes == Gzip.compress([]))
        #expect(try Gzip.decompress(bytes, limit: 0) == [])
    }

    @Test func emptyPiecesChangeNothing() {
        let compressor = Gzip.Compressor()
        var output = compressor.compress([])
        output += compressor.compress(GzipTests.small)
        output += compressor.compress([])
        #expect(output + compressor.finish() == Gzip.compress(GzipTests.small))
    }
}
