import Testing
@testable import NNBenchEngine

/// A product with op(B) packed once (`_packB`, then `gemm(packedB:)`) must give the bits of the
/// same product with B unpacked: the recurrent layers rely on it to keep every recorded curve.
@Suite("Matrix product with B packed once")
struct PackedMatrixMultiplyTests {
    /// The packed product's C and the unpacked one's, on the case's deterministic inputs.
    static func both<T: GEMMScalar>(_ shape: GEMMCase, as type: T.Type, kernel: GEMMKernel, threads: Int) -> (packed: [T], plain: [T]) {
        let (a, b, c0, plain) = product(shape, as: type, kernel: kernel, threads: threads)
        var packedB = [T](repeating: .nan, count: T._packedBCount(k: shape.k, n: shape.n))
        b.withUnsafeBufferPointer { b in
            packedB.withUnsafeMutableBufferPointer {
                T._packB(transposeB: shape.transposeB, k: shape.k, n: shape.n, b: b.baseAddress!, ldb: shape.ldb, into: $0.baseAddress!)
            }
        }
        var c = c0
        a.withUnsafeBufferPointer { a in
            packedB.withUnsafeBufferPointer { packedB in
                c.withUnsafeMutableBufferPointer { c in
                    T.gemm(
                        transposeA: shape.transposeA, m: shape.m, n: shape.n, k: shape.k, a: a.baseAddress!, lda: shape.lda,
                        packedB: packedB.baseAddress!, beta: T(shape.beta), c: c.baseAddress!, ldc: shape.ldc,
                        threads: threads, kernel: kernel)
                }
            }
        }
        return (c, plain)
    }

    /// Shapes around the blocks (KC = 256 in both precisions; NC = 4080 floats, 2040 doubles),
    /// the small-product path (n ≤ 64, k ≤ 256) and the recurrent layers' own (32 rows, 4·units).
    static let shapes: [GEMMCase] = [
        GEMMCase(m: 32, n: 256, k: 64, transposeB: true, beta: 1), GEMMCase(m: 32, n: 64, k: 256, beta: 1),
        GEMMCase(m: 32, n: 64, k: 256, beta: 0), GEMMCase(m: 13, n: 50, k: 600, transposeA: true, beta: 0.5, padding: 3),
        GEMMCase(m: 7, n: 17, k: 1, transposeB: true), GEMMCase(m: 3, n: 4100, k: 5, transposeB: true, beta: 1, padding: 1),
        GEMMCase(m: 40, n: 33, k: 257, transposeA: true, transposeB: true, beta: 0.5),
    ]

    @Test("Float: the same bits as the unpacked product", arguments: shapes, [GEMMKernel.automatic, .portable])
    func float(shape: GEMMCase, kernel: GEMMKernel) {
        for threads in [1, 2] {
            let (packed, plain) = Self.both(shape, as: Float.self, kernel: kernel, threads: threads)
            #expect(bitIdentical(packed, plain), "threads \(threads)")
        }
    }

    @Test("Double: the same bits as the unpacked product", arguments: shapes, [GEMMKernel.automatic, .portable])
    func double(shape: GEMMCase, kernel: GEMMKernel) {
        for threads in [1, 2] {
            let (packed, plain) = Self.both(shape, as: Double.self, kernel: kernel, threads: threads)
            #expect(bitIdentical(packed, plain), "threads \(threads)")
        }
    }

    @Test("The packed size is k times n rounded up to whole micro-panels")
    func size() {
        #expect(Float._packedBCount(k: 3, n: 17) == 3 * 32)
        #expect(Double._packedBCount(k: 3, n: 17) == 3 * 24)
        #expect(Float._packedBCount(k: 0, n: 17) == 0)
    }
}
