import NNBenchIO
import Testing

/// The digests as the files store them: FIPS 180-4's examples (NIST's "SHA-256 examples") and
/// `sha256sum` agree with ``HexDigest/sha256(_:)`` to the character, leading zeros included.
@Suite("SHA-256 digests")
struct HexDigestTests {
    @Test func nistExamples() {
        #expect(HexDigest.sha256([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(HexDigest.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            HexDigest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Messages whose digests have bytes below 16, where a hex spelling that drops leading zeros
    /// would go wrong, against `sha256sum` when present.
    @Test(.enabled(if: executableOnPath("sha256sum") != nil, "sha256sum is not on PATH"))
    func agreesWithSha256sum() throws {
        let message = pseudoRandomBytes(count: 129, seed: 3)
        for length in [0, 1, 55, 56, 64, 65, 129] {
            let prefix = Array(message.prefix(length))
            let output = try runProcess(executableOnPath("sha256sum")!, arguments: [], input: prefix)
            #expect(HexDigest.sha256(prefix) == String(decoding: output.prefix(64), as: UTF8.self), "length \(length)")
        }
    }
}
