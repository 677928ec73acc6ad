import CKernels
import Dispatch

// A product whose B is packed once and reused: the recurrent layers multiply by the same W_hh at
// every time step, and packing it each time cost as much as a third of the product at 32 rows
// (perf, lstm(256) on adding, T = 50). The bits are those of the unpacked product: the packed
// layout is the blocked driver's own, and the micro-kernel calls are the same (CKernels.h).

extension Float {
    /// Calls `nnb_sgemm_packed_b_count`.
    @inlinable
    public static func _packedBCount(k: Int, n: Int) -> Int {
        Int(nnb_sgemm_packed_b_count(Int32(k), Int32(n)))
    }

    /// Calls `nnb_sgemm_pack_b`.
    @inlinable
    public static func _packB(
        transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        nnb_sgemm_pack_b(transposeB ? 1 : 0, Int32(k), Int32(n), b, Int32(ldb), packed)
    }

    /// Calls `nnb_sgemm_packed_b_using`.
    @inlinable
    public static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        packedB: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        nnb_sgemm_packed_b_using(
            kernel.cValue, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(lda), packedB, beta, c, Int32(ldc))
    }
}

extension Double {
    /// Calls `nnb_dgemm_packed_b_count`.
    @inlinable
    public static func _packedBCount(k: Int, n: Int) -> Int {
        Int(nnb_dgemm_packed_b_count(Int32(k), Int32(n)))
    }

    /// Calls `nnb_dgemm_pack_b`.
    @inlinable
    public static func _packB(
        transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Double>, ldb: Int, into packed: UnsafeMutablePointer<Double>
    ) {
        nnb_dgemm_pack_b(transposeB ? 1 : 0, Int32(k), Int32(n), b, Int32(ldb), packed)
    }

    /// Calls `nnb_dgemm_packed_b_using`.
    @inlinable
    public static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
        packedB: UnsafePointer<Double>, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        nnb_dgemm_packed_b_using(
            kernel.cValue, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(lda), packedB, beta, c, Int32(ldc))
    }
}

extension GEMMScalar {
    /// C[m×n] = op(A)[m×k] · B[k×n] + beta · C with B packed by
    /// ``_packB(transposeB:k:n:b:ldb:into:)`` (with the same k and n): bit-identical to
    /// ``gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:beta:c:ldc:threads:kernel:)`` on the unpacked
    /// B, and split over threads the same way.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, packedB: UnsafePointer<Self>,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, threads: Int = 1, kernel: GEMMKernel = .automatic
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension")
        precondition(m <= Int32.max && n <= Int32.max && k <= Int32.max, "gemm: dimension too large")
        precondition(lda >= max(1, transposeA ? m : k), "gemm: lda smaller than op(A)'s stored width")
        precondition(ldc >= max(1, n), "gemm: ldc smaller than n")
        let blocks = GEMMParallelism.rowBlocks(m: m, n: n, k: k, threads: threads)
        guard blocks.count > 1 else {
            _gemmOnCallingThread(
                kernel: kernel, transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda, packedB: packedB, beta: beta, c: c, ldc: ldc)
            return
        }
        let operands = GEMMOperands(a: a, b: packedB, c: c)
        GEMMWorkers.shared.run(blocks.count) { index in
            let rows = blocks.rows(index)
            let aStart = transposeA ? rows.lowerBound : rows.lowerBound * lda
            _gemmOnCallingThread(
                kernel: kernel, transposeA: transposeA, m: rows.count, n: n, k: k, a: operands.a + aStart, lda: lda,
                packedB: operands.b, beta: beta, c: operands.c + rows.lowerBound * ldc, ldc: ldc)
        }
    }
}
