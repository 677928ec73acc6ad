import Testing
@testable import NNBenchEngine

/// The AVX-512 tile (issue 16) must leave every bit of C as the AVX2 tile computes it.
@Suite("Matrix product: the AVX-512 tile")
struct MatrixMultiplyWideTests {
    /// Shapes around the tile pairs (n of 1, 2 and 3 micro-panels of 16, full and partial), the k
    /// blocks (KC = 256), NC (4080) and the small-product path (n ≤ 64, k ≤ 256); β = 0.3 is not a
    /// power of two, so its product with C rounds and a fused update would show.
    static let shapes: [GEMMCase] = [
        GEMMCase(m: 7, n: 17, k: 300, beta: 0.3), GEMMCase(m: 13, n: 31, k: 600, transposeA: true, beta: 1),
        GEMMCase(m: 6, n: 32, k: 257, transposeB: true), GEMMCase(m: 40, n: 33, k: 1000, beta: 0.3, padding: 3),
        GEMMCase(m: 25, n: 130, k: 255, transposeA: true, transposeB: true, beta: 0.3),
        GEMMCase(m: 3, n: 4100, k: 20, beta: 1, padding: 1), GEMMCase(m: 12, n: 48, k: 64),
    ]

    // On a CPU without AVX-512F both sides run the AVX2 tile, and this cannot fail; the machines
    // nnbench is measured on (Sapphire Rapids) have it.
    @Test("The AVX-512 tile gives the AVX2 tile's bits", arguments: shapes)
    func avx512MatchesAVX2(shape: GEMMCase) {
        #expect(bitIdentical(
            product(shape, as: Float.self, kernel: .automatic).c,
            product(shape, as: Float.self, kernel: .avx2Only).c))
    }
}
