import Testing
@testable import NNBenchEngine

/// One product to check: dimensions, layouts and how much wider than needed each stored row is.
struct GEMMCase: Sendable, CustomTestStringConvertible {
    var m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var beta: Double = 0
    /// Extra elements at the end of every stored row of A, B and C (leading dimension − width).
    var padding = 0

    var testDescription: String {
        "\(m)×\(n)×\(k) \(transposeA ? "Aᵀ" : "A")\(transposeB ? "Bᵀ" : "B") β=\(beta) pad=\(padding)"
    }

    var lda: Int { (transposeA ? m : k) + padding }
    var ldb: Int { (transposeB ? k : n) + padding }
    var ldc: Int { n + padding }
    var aCount: Int { (transposeA ? k : m) * lda }
    var bCount: Int { (transposeB ? n : k) * ldb }
    var cCount: Int { m * ldc }

    func a(_ i: Int, _ p: Int) -> Int { transposeA ? p * lda + i : i * lda + p }
    func b(_ p: Int, _ j: Int) -> Int { transposeB ? j * ldb + p : p * ldb + j }
}

/// Deterministic values in [-1, 1) with a short binary expansion, so that they are exact in Float.
func filled<T: GEMMScalar>(_ count: Int, seed: UInt64) -> [T] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return T(Int(state >> 52) - 2048) / 2048
    }
}

/// Runs `gemm` on the case's deterministic inputs, with C starting as deterministic values.
/// `filled`'s values multiply exactly, so a multiply and an add give an FMA's bits on them; with
/// `inexactProducts` every value is divided by 3 first (a full significand), so they do not.
func product<T: GEMMScalar>(
    _ shape: GEMMCase, as _: T.Type, kernel: GEMMKernel = .automatic, threads: Int = 1,
    inexactProducts: Bool = false
) -> (a: [T], b: [T], c0: [T], c: [T]) {
    let divisor: T = inexactProducts ? 3 : 1
    let a: [T] = (filled(shape.aCount, seed: 1) as [T]).map { $0 / divisor }
    let b: [T] = (filled(shape.bCount, seed: 2) as [T]).map { $0 / divisor }
    let c0: [T] = (filled(shape.cCount, seed: 3) as [T]).map { $0 / divisor }
    var c = c0
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                T.gemm(
                    transposeA: shape.transposeA, transposeB: shape.transposeB,
                    m: shape.m, n: shape.n, k: shape.k, a: a.baseAddress!, lda: shape.lda,
                    b: b.baseAddress!, ldb: shape.ldb, beta: T(shape.beta),
                    c: c.baseAddress!, ldc: shape.ldc, threads: threads, kernel: kernel)
            }
        }
    }
    return (a, b, c0, c)
}

/// Checks every element of C against a naive triple loop in Double, and that the padding
/// between rows of C is untouched.
///
/// Tolerance: a length-(k + 2) sum of products (k products, the fold into beta·C, and beta·C
/// itself) rounded in precision u is within γ = (k + 2)·u / (1 − (k + 2)·u) of the exact value,
/// relative to the sum of absolute terms (Higham, Accuracy and Stability, §3.1). For Float the
/// Double reference adds only ~k·2⁻⁵³ relative; for Double it carries a bound of the same size as
/// the kernel's, so the allowance doubles.
func expectMatchesReference<T: GEMMScalar>(_ shape: GEMMCase, as type: T.Type, kernel: GEMMKernel) {
    let (a, b, c0, c) = product(shape, as: type, kernel: kernel)
    let u = Double(T.ulpOfOne) / 2
    let terms = Double(shape.k + 2)
    let gamma = terms * u / (1 - terms * u) * (T.self == Double.self ? 2 : 1)
    var worst = 0.0
    for i in 0..<shape.m {
        for j in 0..<shape.n {
            var sum = 0.0, magnitude = 0.0
            for p in 0..<shape.k {
                let term = Double(a[shape.a(i, p)]) * Double(b[shape.b(p, j)])
                sum += term
                magnitude += abs(term)
            }
            let old = Double(c0[i * shape.ldc + j]) * shape.beta
            let expected = shape.beta == 0 ? sum : old + sum
            let error = abs(Double(c[i * shape.ldc + j]) - expected)
            worst = max(worst, error - gamma * (magnitude + abs(old)))
        }
        for j in shape.n..<shape.ldc {
            #expect(c[i * shape.ldc + j] == c0[i * shape.ldc + j], "padding of row \(i) was written")
        }
    }
    #expect(worst <= 0, "error exceeds the rounding bound by \(worst)")
}

@Suite("Matrix multiply")
struct MatrixMultiplyTests {
    /// Sizes that straddle the 6×16 (float) and 6×8 (double) tiles, MC (144 / 72 rows),
    /// KC (256) and NC (4080 / 2040 columns).
    static let shapes: [GEMMCase] = [
        GEMMCase(m: 1, n: 1, k: 1),
        GEMMCase(m: 7, n: 13, k: 5),
        GEMMCase(m: 6, n: 16, k: 256),
        GEMMCase(m: 37, n: 65, k: 129),
        GEMMCase(m: 13, n: 17, k: 600),
        GEMMCase(m: 150, n: 9, k: 40),
        GEMMCase(m: 2, n: 4100, k: 3),
        GEMMCase(m: 32, n: 64, k: 64),
        GEMMCase(m: 20, n: 50, k: 33),
    ]

    /// Every shape with each combination of transposes, beta 0, 1 and ½, and padded rows.
    static let cases: [GEMMCase] = shapes.enumerated().flatMap { index, shape in
        [(false, false), (false, true), (true, false), (true, true)].flatMap { ta, tb in
            [0.0, 1.0, 0.5].map { beta in
                var c = shape
                (c.transposeA, c.transposeB, c.beta) = (ta, tb, beta)
                c.padding = index % 2 == 0 ? 0 : 3
                return c
            }
        }
    }

    @Test("Float matches a Double triple loop", arguments: [GEMMKernel.automatic, .portable], cases)
    func floatMatchesReference(kernel: GEMMKernel, shape: GEMMCase) {
        expectMatchesReference(shape, as: Float.self, kernel: kernel)
    }

    @Test("Double matches a Double triple loop", arguments: [GEMMKernel.automatic, .portable], cases)
    func doubleMatchesReference(kernel: GEMMKernel, shape: GEMMCase) {
        expectMatchesReference(shape, as: Double.self, kernel: kernel)
    }

    @Test("Portable is never AVX2; automatic is AVX2 exactly when the CPU has it")
    func kernelSelection() {
        #expect(!GEMMKernel.portable.usesAVX2)
        #if arch(x86_64)
        // The machines nnbench is developed on have AVX2 + FMA; if this fails on an older CPU,
        // the automatic-kernel tests above exercised the portable path twice.
        #expect(GEMMKernel.automatic.usesAVX2)
        #endif
    }
}

/// Whether two arrays hold the same bytes: stricter than `==`, which equates 0 and −0.
func bitIdentical<T>(_ x: [T], _ y: [T]) -> Bool {
    x.withUnsafeBytes { x in y.withUnsafeBytes { y in x.elementsEqual(y) } }
}

@Suite("Matrix multiply determinism")
struct MatrixMultiplyDeterminismTests {
    /// Above `GEMMParallelism.minimumMultiplyAdds`, with k spanning two KC blocks and m not a
    /// multiple of the 6-row tile.
    static let shape = GEMMCase(m: 67, n: 70, k: 300, beta: 1, padding: 2)

    @Test("The product is big enough to be split over two threads")
    func shapeIsSplit() {
        let blocks = GEMMParallelism.rowBlocks(m: Self.shape.m, n: Self.shape.n, k: Self.shape.k, threads: 2)
        #expect(blocks.count == 2)
        #expect(blocks.rows(0) == 0..<36)
        #expect(blocks.rows(1) == 36..<67)
    }

    @Test("One thread and two give bit-identical results", arguments: [GEMMKernel.automatic, .portable])
    func threadCount(kernel: GEMMKernel) {
        #expect(bitIdentical(
            product(Self.shape, as: Float.self, kernel: kernel, threads: 1).c,
            product(Self.shape, as: Float.self, kernel: kernel, threads: 2).c))
        #expect(bitIdentical(
            product(Self.shape, as: Double.self, kernel: kernel, threads: 1).c,
            product(Self.shape, as: Double.self, kernel: kernel, threads: 2).c))
    }

    @Test("Two row halves in separate calls match one call bit for bit", arguments: [GEMMKernel.automatic, .portable])
    func rowHalves(kernel: GEMMKernel) {
        // A split inside a tile: any partition of the rows must give the same bits.
        let shape = GEMMCase(m: 67, n: 70, k: 300, transposeA: true, beta: 1, padding: 2)
        let (a, b, c0, whole) = product(shape, as: Float.self, kernel: kernel)
        var halves = c0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                halves.withUnsafeMutableBufferPointer { c in
                    for rows in [0..<31, 31..<67] {
                        Float.gemm(
                            transposeA: true, m: rows.count, n: shape.n, k: shape.k,
                            a: a.baseAddress! + rows.lowerBound, lda: shape.lda,
                            b: b.baseAddress!, ldb: shape.ldb, beta: 1,
                            c: c.baseAddress! + rows.lowerBound * shape.ldc, ldc: shape.ldc,
                            kernel: kernel)
                    }
                }
            }
        }
        #expect(bitIdentical(whole, halves))
    }

    @Test("Storage layout does not change the bits", arguments: [GEMMKernel.automatic, .portable])
    func layouts(kernel: GEMMKernel) {
        // op(A) and op(B) hold the same values however they are stored, because each layout's
        // inputs are gathered from the same logical matrix.
        func logical(_ shape: GEMMCase) -> [Float] {
            let a: [Float] = filled(shape.m * shape.k, seed: 4)
            let b: [Float] = filled(shape.k * shape.n, seed: 5)
            var storedA = [Float](repeating: 0, count: shape.aCount)
            var storedB = [Float](repeating: 0, count: shape.bCount)
            for i in 0..<shape.m { for p in 0..<shape.k { storedA[shape.a(i, p)] = a[i * shape.k + p] } }
            for p in 0..<shape.k { for j in 0..<shape.n { storedB[shape.b(p, j)] = b[p * shape.n + j] } }
            var c = [Float](repeating: 0, count: shape.cCount)
            Float.gemm(
                transposeA: shape.transposeA, transposeB: shape.transposeB,
                m: shape.m, n: shape.n, k: shape.k, a: storedA, lda: shape.lda, b: storedB,
                ldb: shape.ldb, beta: 0, c: &c, ldc: shape.ldc, kernel: kernel)
            return c
        }
        let plain = logical(GEMMCase(m: 19, n: 23, k: 270))
        #expect(bitIdentical(plain, logical(GEMMCase(m: 19, n: 23, k: 270, transposeA: true))))
        #expect(bitIdentical(plain, logical(GEMMCase(m: 19, n: 23, k: 270, transposeB: true))))
        #expect(bitIdentical(plain, logical(GEMMCase(m: 19, n: 23, k: 270, transposeA: true, transposeB: true))))
    }

    @Test("Beta 0 overwrites NaN in C", arguments: [GEMMKernel.automatic, .portable])
    func betaZeroIgnoresNaN(kernel: GEMMKernel) {
        let a: [Float] = filled(9 * 300, seed: 6), b: [Float] = filled(300 * 20, seed: 7)
        var clean = [Float](repeating: 0, count: 9 * 20)
        var poisoned = [Float](repeating: .nan, count: 9 * 20)
        for i in stride(from: 1, to: poisoned.count, by: 2) { poisoned[i] = .infinity }
        Float.gemm(m: 9, n: 20, k: 300, a: a, lda: 300, b: b, ldb: 20, beta: 0, c: &clean, ldc: 20, kernel: kernel)
        Float.gemm(m: 9, n: 20, k: 300, a: a, lda: 300, b: b, ldb: 20, beta: 0, c: &poisoned, ldc: 20, kernel: kernel)
        #expect(bitIdentical(clean, poisoned))
        #expect(!clean.contains { $0.isNaN })
    }

    @Test("The small-product path gives the blocked driver's bits", arguments: [
        GEMMCase(m: 32, n: 64, k: 64), GEMMCase(m: 33, n: 2, k: 64), GEMMCase(m: 64, n: 2, k: 32),
        GEMMCase(m: 2, n: 64, k: 32), GEMMCase(m: 32, n: 64, k: 2), GEMMCase(m: 7, n: 50, k: 256),
        GEMMCase(m: 13, n: 16, k: 1),
    ])
    func smallMatchesBlocked(shape: GEMMCase) {
        // Columns [0, n) of a product n + 80 wide go through the blocked driver (n > 64), and each
        // element's operations depend only on k, so they must equal the small product's bits.
        let wide = shape.n + 80
        let a: [Float] = filled(shape.m * shape.k, seed: 8), b: [Float] = filled(shape.k * wide, seed: 9)
        let c0: [Float] = filled(shape.m * wide, seed: 10)
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            for beta: Float in [0, 1, 0.5] {
                func run(_ n: Int) -> [Float] {
                    // op(A) and the first n columns of op(B) hold the same values in every layout.
                    let (m, k) = (shape.m, shape.k)
                    var storedA = [Float](), storedB = [Float](), c = [Float]()
                    for outer in 0..<(ta ? k : m) {
                        for inner in 0..<(ta ? m : k) { storedA.append(ta ? a[inner * k + outer] : a[outer * k + inner]) }
                    }
                    for outer in 0..<(tb ? n : k) {
                        for inner in 0..<(tb ? k : n) { storedB.append(tb ? b[inner * wide + outer] : b[outer * wide + inner]) }
                    }
                    for i in 0..<m { c += c0[(i * wide)..<(i * wide + n)] }
                    Float.gemm(
                        transposeA: ta, transposeB: tb, m: shape.m, n: n, k: shape.k, a: storedA,
                        lda: ta ? shape.m : shape.k, b: storedB, ldb: tb ? shape.k : n, beta: beta,
                        c: &c, ldc: n)
                    var columns = [Float]()
                    for i in 0..<m { columns += c[(i * n)..<(i * n + shape.n)] }
                    return columns
                }
                #expect(bitIdentical(run(shape.n), run(wide)), "\(ta ? "Aᵀ" : "A")\(tb ? "Bᵀ" : "B") β=\(beta)")
            }
        }
    }

    @Test("An empty product scales C by beta", arguments: [GEMMKernel.automatic, .portable])
    func emptyProduct(kernel: GEMMKernel) {
        var c: [Double] = [1, 2, .nan, 4]
        let none: [Double] = [0]
        Double.gemm(m: 2, n: 2, k: 0, a: none, lda: 1, b: none, ldb: 2, beta: 0.5, c: &c, ldc: 2, kernel: kernel)
        #expect(c[0] == 0.5 && c[1] == 1 && c[2].isNaN && c[3] == 2)
        Double.gemm(m: 2, n: 2, k: 0, a: none, lda: 1, b: none, ldb: 2, beta: 0, c: &c, ldc: 2, kernel: kernel)
        #expect(c == [0, 0, 0, 0])
    }
}
