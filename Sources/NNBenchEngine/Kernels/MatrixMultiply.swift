import CKernels
import Dispatch

/// Which implementation of the matrix-product kernels a call uses.
public enum GEMMKernel: Sendable, Hashable {
    /// The AVX2 + FMA kernel when the CPU has both, otherwise the portable one; single-precision
    /// products add an AVX-512 tile where the CPU has AVX-512F (AVX2's bits, twice the width).
    case automatic
    /// The portable kernel whatever the CPU; meant for testing it and for comparing speeds.
    case portable
    /// The AVX2 + FMA kernel without the AVX-512 tile (the portable one on CPUs without AVX2);
    /// meant for testing that the AVX-512 tile gives the same bits, and for comparing speeds.
    /// Adam's single-precision kernel also takes its careful path for subnormal moments on every
    /// CPU with it, where `.automatic` skips that path on CPUs fast on subnormals (the same bits).
    case avx2Only

    /// Whether this choice runs the AVX2 + FMA kernel on this CPU.
    public var usesAVX2: Bool { nnb_kernel_uses_avx2(cValue) != 0 }

    @usableFromInline
    internal var cValue: nnb_kernel {
        switch self {
        case .automatic: NNB_KERNEL_AUTOMATIC
        case .portable: NNB_KERNEL_PORTABLE
        case .avx2Only: NNB_KERNEL_AVX2_ONLY
        }
    }
}

/// An element type of the matrix-product kernels (`Float` and `Double`), so that generic engine
/// code has one code path for both precisions.
///
/// Matrices are row-major with leading dimensions (the stride, in elements, between rows as
/// stored). `op(X)` is `X`, or `Xᵀ` when the matching `transpose` flag is set; `op(A)` is m×k and
/// `op(B)` is k×n, so `A` is stored m×k (`lda ≥ k`) or k×m (`lda ≥ m`) and likewise `B`.
public protocol GEMMScalar: BinaryFloatingPoint, Sendable {
    /// C = op(A) · op(B) + beta · C on the calling thread only: one call of the C kernel.
    ///
    /// Not API (hence the underscore): call
    /// ``gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:beta:c:ldc:threads:kernel:)``, which checks
    /// its arguments and can use several threads.
    static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// The values ``_packB(transposeB:k:n:b:ldb:into:)`` writes for op(B)[k×n].
    static func _packedBCount(k: Int, n: Int) -> Int

    /// Packs all of op(B)[k×n] into `packed` (``_packedBCount(k:n:)`` values) in the kernels'
    /// micro-panel layout, for ``gemm(transposeA:m:n:k:a:lda:packedB:beta:c:ldc:threads:kernel:)``.
    static func _packB(transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int, into packed: UnsafeMutablePointer<Self>)

    /// ``_gemmOnCallingThread(kernel:transposeA:transposeB:m:n:k:a:lda:b:ldb:beta:c:ldc:)`` with
    /// op(B) packed by ``_packB(transposeB:k:n:b:ldb:into:)``.
    static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int,
        packedB: UnsafePointer<Self>, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: GEMMScalar {
    /// Calls `nnb_sgemm_using`.
    @inlinable
    public static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        nnb_sgemm_using(
            kernel.cValue, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: GEMMScalar {
    /// Calls `nnb_dgemm_using`.
    @inlinable
    public static func _gemmOnCallingThread(
        kernel: GEMMKernel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        nnb_dgemm_using(
            kernel.cValue, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension GEMMScalar {
    /// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta · C.
    ///
    /// With `beta` 0, C is only written, so it may hold NaN or uninitialised values. The result is
    /// bit-identical whatever `threads` is: every element of C is computed by the same operations.
    ///
    /// - Parameters:
    ///   - threads: The most threads to use. The rows of C are split into contiguous blocks (whole
    ///     6-row tiles) computed concurrently, but only when the product has at least
    ///     ``GEMMParallelism/minimumMultiplyAdds`` multiply-adds; smaller ones run on the calling
    ///     thread, where the cost of waking workers exceeds the saving.
    ///   - kernel: Which implementation to run; the default picks the fastest this CPU supports.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int,
        threads: Int = 1, kernel: GEMMKernel = .automatic
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension")
        precondition(m <= Int32.max && n <= Int32.max && k <= Int32.max, "gemm: dimension too large")
        precondition(lda >= max(1, transposeA ? m : k), "gemm: lda smaller than op(A)'s stored width")
        precondition(ldb >= max(1, transposeB ? k : n), "gemm: ldb smaller than op(B)'s stored width")
        precondition(ldc >= max(1, n), "gemm: ldc smaller than n")
        let blocks = GEMMParallelism.rowBlocks(m: m, n: n, k: k, threads: threads)
        guard blocks.count > 1 else {
            _gemmOnCallingThread(
                kernel: kernel, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let operands = GEMMOperands(a: a, b: b, c: c)
        GEMMWorkers.shared.run(blocks.count) { index in
            let rows = blocks.rows(index)
            // Row i of op(A) starts at a[i·lda] when A is stored m×k, at a[i] when stored k×m.
            let aStart = transposeA ? rows.lowerBound : rows.lowerBound * lda
            _gemmOnCallingThread(
                kernel: kernel, transposeA: transposeA, transposeB: transposeB,
                m: rows.count, n: n, k: k, a: operands.a + aStart, lda: lda, b: operands.b,
                ldb: ldb, beta: beta, c: operands.c + rows.lowerBound * ldc, ldc: ldc)
        }
    }
}
