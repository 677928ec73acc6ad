import Testing
@testable import NNBenchEngine

/// The AVX-512 tile and the shared packing of B (issue 16) must leave every bit of C as it was.
@Suite("Matrix product: AVX-512 tile and shared packing")
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

    /// k·n at least `minimumSharedPacking`, so that split products pack B once, together; m is
    /// not a multiple of the 6-row tile, and n ends in a partial micro-panel.
    static let shared = [
        GEMMCase(m: 101, n: 300, k: 260, beta: 0.3, padding: 1),
        GEMMCase(m: 101, n: 300, k: 260, transposeA: true, transposeB: true, beta: 0),
    ]

    @Test("Workers packing one B together give one thread's bits", arguments: shared, [GEMMKernel.automatic, .portable])
    func sharedPacking(shape: GEMMCase, kernel: GEMMKernel) {
        #expect(shape.k * shape.n >= GEMMParallelism.minimumSharedPacking)
        let one = product(shape, as: Float.self, kernel: kernel, threads: 1).c
        let oneDouble = product(shape, as: Double.self, kernel: kernel, threads: 1).c
        for threads in [2, 3] {
            #expect(bitIdentical(one, product(shape, as: Float.self, kernel: kernel, threads: threads).c), "threads \(threads)")
            #expect(bitIdentical(oneDouble, product(shape, as: Double.self, kernel: kernel, threads: threads).c), "threads \(threads)")
        }
    }

    @Test("Packing B in parts writes what packing it whole writes", arguments: [false, true])
    func packInParts(transposeB: Bool) {
        for (k, n) in [(1, 1), (300, 33), (5, 4100), (257, 8200)] {
            let b: [Float] = filled(k * n, seed: 9)
            let ldb = transposeB ? k : n
            let count = Float._packedBCount(k: k, n: n)
            var whole = [Float](repeating: .nan, count: count)
            b.withUnsafeBufferPointer { b in
                whole.withUnsafeMutableBufferPointer {
                    Float._packB(transposeB: transposeB, k: k, n: n, b: b.baseAddress!, ldb: ldb, into: $0.baseAddress!)
                }
                for parts in 1...4 {
                    var inParts = [Float](repeating: .nan, count: count)
                    inParts.withUnsafeMutableBufferPointer { packed in
                        for part in (0..<parts).reversed() {
                            Float._packBPart(
                                transposeB: transposeB, k: k, n: n, b: b.baseAddress!, ldb: ldb, part: part, parts: parts,
                                into: packed.baseAddress!)
                        }
                    }
                    #expect(bitIdentical(whole, inParts), "k \(k) n \(n) parts \(parts)")
                }
            }
        }
    }
}
