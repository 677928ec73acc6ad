import CKernels
import Foundation
import Testing
@testable import NNBenchEngine

/// The recurrent cells' fused steps in C (`recurrent.c`) give the same bits from the AVX2 kernel
/// as from the portable one, which a CPU without AVX2 runs for every unit and any CPU runs for a
/// row's last units past a multiple of the vector width: 13 units holds both within each row, so
/// a vector lane that rounds differently from the scalar form fails here. (On a CPU without AVX2
/// both runs are the portable kernel and agree trivially.)
@Suite("Fused recurrent steps")
struct FusedStepKernelTests {
    static let (rows, units) = (3, 13)

    /// `count` deterministic values spread over ±`range` (a fixed scrambled sine, enough to reach
    /// σ and tanh's saturated, curved and linear parts at range 6).
    static func values<T: BinaryFloatingPoint>(_ count: Int, _ range: Double, seed: Double) -> [T] {
        (0..<count).map { index -> T in
            let angle: Double = Double(index) * 12.9898 + seed * 78.233
            return T(range * sin(angle))
        }
    }

    /// Runs `step` on fresh copies of `buffers` with the portable kernel and with the automatic
    /// one (AVX2 where the CPU has it) and says whether every buffer ends the same, bit for bit.
    static func agree<T: BinaryFloatingPoint>(_ buffers: [[T]], _ step: (nnb_kernel, [UnsafeMutablePointer<T>]) -> Void) -> Bool {
        func run(_ kernel: nnb_kernel) -> [[T]] {
            let pointers = buffers.map { values in
                let pointer = UnsafeMutablePointer<T>.allocate(capacity: values.count)
                pointer.initialize(from: values, count: values.count)
                return pointer
            }
            defer { pointers.forEach { $0.deallocate() } }
            step(kernel, pointers)
            return zip(pointers, buffers).map { Array(UnsafeBufferPointer(start: $0, count: $1.count)) }
        }
        return zip(run(NNB_KERNEL_PORTABLE), run(NNB_KERNEL_AUTOMATIC)).allSatisfy { portable, automatic in
            zip(portable, automatic).allSatisfy { $0 == $1 && $0.sign == $1.sign }
        }
    }

    /// The buffers of each step, `[rows, width·units]` for a width of gates and 1 for a state.
    static func buffers<T: BinaryFloatingPoint>(_ widths: [Int]) -> [[T]] {
        widths.enumerated().map { values(rows * $1 * units, 6, seed: Double($0)) }
    }

    @Test func floatStepsAgree() {
        let (r, u) = (Int32(Self.rows), Int32(Self.units))
        #expect(Self.agree(Self.buffers([4, 1, 1, 1, 1]) as [[Float]]) { nnb_slstm_step_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], r, u) })
        #expect(Self.agree(Self.buffers([4, 1, 1, 1, 1, 4]) as [[Float]]) { nnb_slstm_step_backward_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], $1[5], r, u) })
        #expect(Self.agree(Self.buffers([3, 3, 1, 1]) as [[Float]]) { nnb_sgru_step_using($0, $1[0], $1[1], $1[2], $1[3], r, u) })
        #expect(Self.agree(Self.buffers([3, 3, 1, 1, 3, 3, 1]) as [[Float]]) { nnb_sgru_step_backward_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], $1[5], $1[6], r, u) })
    }

    @Test func doubleStepsAgree() {
        let (r, u) = (Int32(Self.rows), Int32(Self.units))
        #expect(Self.agree(Self.buffers([4, 1, 1, 1, 1]) as [[Double]]) { nnb_dlstm_step_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], r, u) })
        #expect(Self.agree(Self.buffers([4, 1, 1, 1, 1, 4]) as [[Double]]) { nnb_dlstm_step_backward_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], $1[5], r, u) })
        #expect(Self.agree(Self.buffers([3, 3, 1, 1]) as [[Double]]) { nnb_dgru_step_using($0, $1[0], $1[1], $1[2], $1[3], r, u) })
        #expect(Self.agree(Self.buffers([3, 3, 1, 1, 3, 3, 1]) as [[Double]]) { nnb_dgru_step_backward_using($0, $1[0], $1[1], $1[2], $1[3], $1[4], $1[5], $1[6], r, u) })
    }
}
