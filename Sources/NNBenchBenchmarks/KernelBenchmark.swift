/// Timings of nnbench's own kernels, for `nnbench bench` and for comparison with other libraries.
public enum KernelBenchmark {
    /// The speed of one square single-precision product.
    public struct MatmulResult: Sendable, Codable, Equatable {
        /// The side of the square matrices.
        public var n: Int
        /// The threads the product was allowed to use.
        public var threads: Int
        /// 2·n³ floating-point operations divided by the best time, in units of 10⁹ per second.
        public var gflops: Double

        /// Creates a result.
        public init(n: Int, threads: Int, gflops: Double) {
            (self.n, self.threads, self.gflops) = (n, threads, gflops)
        }
    }

    /// Times C = A · B for n×n Float matrices and reports the best of repeated runs.
    ///
    /// One untimed run first warms the caches and allocates each thread's packing buffer; then the
    /// product is repeated until `budget` has passed (and at least three times), and the fastest
    /// run counts, since on a shared machine slower runs measure interference, not the kernel.
    /// The inputs are a fixed pattern, so no randomness is involved.
    ///
    /// - Parameters:
    ///   - n: The side of the matrices, at least 1.
    ///   - threads: The threads the product may use, as in ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:a:lda:b:ldb:beta:c:ldc:threads:kernel:)``.
    ///   - budget: Roughly how long to keep repeating.
    public static func matmul(n: Int, threads: Int, budget: Duration = .seconds(1)) -> MatmulResult {
        precondition(n >= 1 && threads >= 1, "matmul benchmark: n and threads must be positive")
        // Small integers over a power of two: exact, varied, and far from overflow or denormals.
        let a = (0..<n * n).map { Float($0 % 97 - 48) / 64 }
        let b = (0..<n * n).map { Float($0 % 89 - 44) / 64 }
        var c = [Float](repeating: 0, count: n * n)
        let clock = ContinuousClock()
        var best = Duration.seconds(Int64.max)
        c.withUnsafeMutableBufferPointer { c in
            func run() -> Duration {
                clock.measure {
                    Float.gemm(
                        m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0,
                        c: c.baseAddress!, ldc: n, threads: threads)
                }
            }
            _ = run()
            let start = clock.now
            var runs = 0
            while runs < 3 || clock.now - start < budget {
                best = min(best, run())
                runs += 1
            }
        }
        let seconds = best.seconds
        return MatmulResult(n: n, threads: threads, gflops: 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9)
    }
}
