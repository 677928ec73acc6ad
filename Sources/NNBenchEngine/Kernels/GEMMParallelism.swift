/// How ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:beta:c:ldc:threads:kernel:)``
/// splits a product over threads.
public enum GEMMParallelism {
    /// The rows of C a thread gets come in whole micro-kernel tiles of this many rows.
    @usableFromInline
    internal static let rowTile = 6

    /// Products with fewer multiply-adds (m·n·k) than this run on one thread.
    ///
    /// 2¹⁸ is a 64³ product, 7.5 µs on one Zen 3 core. Measured there (release, AVX2 kernel):
    /// with the second core idle, two threads ran 64³ in 6.1 µs (1.24×); with it busy, waking a
    /// worker cost more than it saved (8.2 µs at 64³, 0.91–0.95× up to 96³), and products below
    /// 64³ never gained. The split never changes the result, only the time.
    public static let minimumMultiplyAdds = 1 << 18

    /// Contiguous row blocks of C, in whole tiles, one per worker.
    @usableFromInline
    internal struct RowBlocks: Sendable {
        @usableFromInline internal let m: Int
        @usableFromInline internal let rowsPerBlock: Int
        @usableFromInline internal let count: Int

        @inlinable
        internal init(m: Int, rowsPerBlock: Int, count: Int) {
            (self.m, self.rowsPerBlock, self.count) = (m, rowsPerBlock, count)
        }

        @inlinable
        internal func rows(_ index: Int) -> Range<Int> {
            index * rowsPerBlock ..< min(m, (index + 1) * rowsPerBlock)
        }
    }

    /// At most `threads` blocks, a single one when the product is too small to be worth splitting.
    @inlinable
    internal static func rowBlocks(m: Int, n: Int, k: Int, threads: Int) -> RowBlocks {
        let tiles = (m + rowTile - 1) / rowTile
        // In Double so that huge products cannot overflow the count.
        let worthSplitting = Double(m) * Double(n) * Double(k) >= Double(minimumMultiplyAdds)
        let workers = worthSplitting ? max(1, min(threads, tiles)) : 1
        let tilesPerBlock = workers > 1 ? (tiles + workers - 1) / workers : max(tiles, 1)
        let rowsPerBlock = tilesPerBlock * rowTile
        return RowBlocks(m: m, rowsPerBlock: rowsPerBlock, count: (m + rowsPerBlock - 1) / rowsPerBlock)
    }
}

/// The operand pointers of one product, handed to the workers that compute its row blocks.
///
/// Unchecked because pointers are not `Sendable`: sharing them is safe here since A and B are only
/// read, every worker writes a disjoint block of rows of C, and the caller waits for all workers.
@usableFromInline
internal struct GEMMOperands<T: GEMMScalar>: @unchecked Sendable {
    @usableFromInline internal let a: UnsafePointer<T>
    @usableFromInline internal let b: UnsafePointer<T>
    @usableFromInline internal let c: UnsafeMutablePointer<T>

    @inlinable
    internal init(a: UnsafePointer<T>, b: UnsafePointer<T>, c: UnsafeMutablePointer<T>) {
        (self.a, self.b, self.c) = (a, b, c)
    }
}
