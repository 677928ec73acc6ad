import NNBenchHarness
import Testing
import NNBenchDatasets
import NNBenchEngine

/// The engine's and the datasets' fingerprints.
@Suite("fingerprints")
struct FingerprintTests {
    @Test func theEngineFingerprintIsHexadecimalSHA256() {
        let fingerprint = EngineFingerprint.current
        #expect(fingerprint.count == 64 && fingerprint.allSatisfy(\.isHexDigit))
    }

    @Test func theDatasetFingerprintFollowsTheData() throws {
        let moons = try TaskCatalogue.definition(named: "moons")
        #expect(try moons.makeTask().fingerprint == moons.makeTask().fingerprint)
        #expect(try moons.makeTask().fingerprint != moons.makeTask(seed: 1).fingerprint)
        #expect(try moons.makeTask().fingerprint != moons.makeTask(["n-test": "5"]).fingerprint)
    }

    @Test func thePlatformNamesTheKernel() {
        #expect(["avx2-fma", "portable"].contains(PlatformDescription.current.gemmKernel))
    }
}
