import Foundation
import Glibc
import Testing
@testable import NNBenchEngine

/// The matrix kernels' packing buffer: when it cannot be allocated, the process stops with a line
/// on standard error, rather than the product returning with C unwritten.
@Suite("Matrix kernels out of memory")
struct KernelWorkspaceTests {
    @Test("a packing buffer that cannot be allocated aborts with a message")
    func allocationFailureAborts() async {
        let result = await #expect(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
            // 64×512×256: n above the small-product limit, so the product packs through the
            // buffer (about 4 MiB). The operands exist before the limit is set, so that only the
            // buffer needs memory the limit refuses; a fresh process has no buffer yet.
            let (m, n, k) = (64, 512, 256)
            let a = [Float](repeating: 1, count: m * k), b = [Float](repeating: 1, count: k * n)
            var c = [Float](repeating: -1, count: m * n)
            // The private writable memory in use now (VmData, in kB), plus 1 MiB: room for small
            // allocations, not for 4 MiB. RLIMIT_DATA rather than RLIMIT_AS, because a thread's
            // malloc arena grows inside address space it reserved at its creation.
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmData:") }!
            let kilobytes = Int(line.split(whereSeparator: \.isWhitespace)[1])!
            var limit = rlimit()
            limit.rlim_cur = rlim_t(kilobytes * 1024 + (1 << 20))
            limit.rlim_max = limit.rlim_cur
            setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        Float._gemmOnCallingThread(
                            kernel: .automatic, transposeA: false, transposeB: false, m: m, n: n, k: k,
                            a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                    }
                }
            }
            // Reached only if the kernel returned: it must not, having no buffer.
            print(c[0])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("nnbench: fatal: cannot allocate the"))
        #expect(message.contains("packing buffer of the matrix kernels (out of memory)"))
    }
}
