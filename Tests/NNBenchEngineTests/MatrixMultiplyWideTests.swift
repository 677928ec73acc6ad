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

    /// The small-product path's 8×32 AVX-512 tiles (n ≤ 64, k ≤ 256) against its AVX2 tiles, the
    /// path before them: every m, n and k of 1, 3, 7, 31, 33, 63, 64 and 65 (tails of the 8-row
    /// and 16- and 32-column tiles, the small MLP's shapes, and n or k just past the path), with
    /// β of 0, 1 and 0.3 and padded leading dimensions on every other shape, and k at 256 and 257
    /// (the path's last k and the first past it); on values whose products round, so that an
    /// unfused multiply-add would show.
    @Test("The small path's AVX-512 tiles give its AVX2 tiles' bits", arguments: [false, true], [false, true])
    func smallAVX512MatchesAVX2(transposeA: Bool, transposeB: Bool) {
        let sizes = [1, 3, 7, 31, 33, 63, 64, 65]
        var shapes = [GEMMCase]()
        for m in sizes {
            for n in sizes {
                for (index, k) in (sizes + [256, 257]).enumerated() {
                    let beta = [0, 1, 0.3][(m + n + index) % 3]
                    shapes.append(GEMMCase(
                        m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: beta,
                        padding: index % 2 == 0 ? 0 : 3))
                }
            }
        }
        let differing = shapes.filter { shape in
            !bitIdentical(
                product(shape, as: Float.self, kernel: .automatic, inexactProducts: true).c,
                product(shape, as: Float.self, kernel: .avx2Only, inexactProducts: true).c)
        }.map(\.testDescription)
        #expect(differing.count == 0, "first: \(differing.first ?? "none")")
    }
}
