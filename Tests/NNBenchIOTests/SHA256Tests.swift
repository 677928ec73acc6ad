import Testing
@testable import NNBenchIO

/// The test vectors of FIPS 180-4 (NIST's "SHA-256 examples") and the long-message vector of
/// FIPS 180-2 appendix B.3.
@Suite("SHA-256")
struct SHA256Tests {
    @Test func emptyMessage() {
        #expect(SHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func oneBlockMessage() {
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessage() {
        // 448 bits: the length no longer fits after the 0x80 marker, so padding takes a second block.
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(message.count == 56)
        #expect(SHA256.hexDigest(message) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func oneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hashIsTheRawFormOfTheHexDigest() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(digest.count == 32)
        #expect(digest.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
        #expect(digest.suffix(4) == [0xf2, 0x00, 0x15, 0xad])
    }

    /// Every tail length 0...129 around the block boundaries, against `sha256sum` when present.
    @Test(.enabled(if: executableOnPath("sha256sum") != nil, "sha256sum is not on PATH"))
    func paddingBoundariesAgreeWithSha256sum() throws {
        let message = pseudoRandomBytes(count: 129, seed: 3)
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129] {
            let prefix = Array(message.prefix(length))
            #expect(try SHA256.hexDigest(prefix) == systemDigest(prefix), "length \(length)")
        }
    }

    private func systemDigest(_ bytes: [UInt8]) throws -> String {
        let output = try runProcess(executableOnPath("sha256sum")!, arguments: [], input: bytes)
        return String(decoding: output.prefix(64), as: UTF8.self)
    }
}
