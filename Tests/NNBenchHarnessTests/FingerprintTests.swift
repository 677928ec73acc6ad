import NNBenchHarness
import Testing

/// The engine's and the datasets' fingerprints.
@Suite("fingerprints")
struct FingerprintTests {
    @Test func theEngineFingerprintIsHexadecimalSHA256() {
        let fingerprint = EngineFingerprint.current
        #expect(fingerprint.count == 64 && fingerprint.allSatisfy(\.isHexDigit))
    }

    @Test func theDatasetFingerprintFollowsTheData() throws {
        let xor = try TaskCatalogue.definition(named: "xor")
        #expect(try xor.makeTask().fingerprint == xor.makeTask().fingerprint)
        #expect(try xor.makeTask().fingerprint != xor.makeTask(seed: 1).fingerprint)
        #expect(try xor.makeTask().fingerprint != xor.makeTask(["n-test": "5"]).fingerprint)
    }

    @Test func thePlatformNamesTheKernel() {
        #expect(["avx2-fma", "portable"].contains(PlatformDescription.current.gemmKernel))
    }
}
