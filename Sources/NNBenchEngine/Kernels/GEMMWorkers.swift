import Foundation
import Synchronization

/// The threads that compute a split product's row blocks beside the calling thread.
///
/// Written by hand rather than taken from libdispatch, whose `concurrentPerform` parks its
/// threads between calls: a training step of the mid MLP (64-256-256-10, batch 256) splits about
/// eight products, and at two threads waking a parked thread for each cost 15 context switches a
/// step and made two threads slower than one (0.69–0.94× of one thread's samples per second, AMD
/// EPYC Zen 5, 2026-12-02). These workers spin for a short while after each product, so the next
/// one, a few microseconds later, finds them awake; then they sleep on a condition variable,
/// costing nothing while idle.
///
/// One caller at a time uses the workers; a second, concurrent caller (two entries trained at
/// once, each with threads) runs its blocks through `concurrentPerform` instead. Which thread
/// computes a block never changes the result: each block writes its own rows of C.
@usableFromInline
final class GEMMWorkers: @unchecked Sendable {
    /// The process's workers.
    @usableFromInline static let shared = GEMMWorkers()

    /// How long an idle worker spins before it sleeps: a few products' gap in a training step.
    static let spin = Duration.microseconds(200)

    /// The current job as one word, so that a worker claims a block of exactly the job it saw:
    /// generation (high 32 bits), next block (16 bits), block count (low 16 bits).
    private let ticket = Atomic<UInt64>(0)
    /// Blocks of the current job not yet finished.
    private let remaining = Atomic<Int>(0)
    /// Whether a caller holds the workers.
    private let held = Atomic<Bool>(false)
    /// The current job's body, valid while `remaining` > 0.
    nonisolated(unsafe) private var body: (@Sendable (Int) -> Void)?
    /// Workers started so far, and the sleepers' condition.
    private let lock = NSCondition()
    nonisolated(unsafe) private var started = 0
    nonisolated(unsafe) private var sleepers = 0

    /// Runs `body(0..<count)`, each index once, on the calling thread and up to `count - 1`
    /// workers; returns when all have finished.
    ///
    /// - Parameters:
    ///   - count: The blocks, in `1...256`.
    ///   - body: One block's work; called concurrently for different indices.
    @usableFromInline
    func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        precondition((1...256).contains(count), "GEMMWorkers: 1...256 blocks")
        guard held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
            return
        }
        defer { held.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            startWorkers(count - 1)
            self.body = body
            remaining.store(count, ordering: .relaxed)
            let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
            ticket.store(generation << 32 | UInt64(count), ordering: .releasing)
            lock.lock()
            if sleepers > 0 { lock.broadcast() }
            lock.unlock()
            work()
            // The blocks are hundreds of microseconds of work at least (GEMMParallelism): spin.
            while remaining.load(ordering: .acquiring) > 0 {}
            self.body = nil
        }
    }

    /// Claims and runs blocks of the current job until none is left.
    private func work() {
        var current = ticket.load(ordering: .acquiring)
        while true {
            let next = (current >> 16) & 0xFFFF, count = current & 0xFFFF
            guard next < count else { return }
            let (exchanged, original) = ticket.compareExchange(
                expected: current, desired: current &+ (1 << 16), ordering: .acquiringAndReleasing)
            guard exchanged else { current = original; continue }
            // The job cannot end before this block does, so `body` is this job's.
            body!(Int(next))
            remaining.subtract(1, ordering: .releasing)
            current = ticket.load(ordering: .acquiring)
        }
    }

    /// Starts workers until `count` run.
    private func startWorkers(_ count: Int) {
        lock.lock()
        defer { lock.unlock() }
        while started < count {
            started += 1
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "nnbench-gemm-\(started)"
            thread.start()
        }
    }

    /// A worker: runs each new job's blocks, spins for ``spin`` after one, then sleeps.
    private func workerLoop() {
        var seen = ticket.load(ordering: .acquiring) >> 32
        let clock = ContinuousClock()
        while true {
            let deadline = clock.now + Self.spin
            var generation = ticket.load(ordering: .acquiring) >> 32
            // Reading the clock between loads paces the spin (a vDSO call, no system call).
            while generation == seen && clock.now < deadline {
                generation = ticket.load(ordering: .acquiring) >> 32
            }
            if generation == seen {
                lock.lock()
                while ticket.load(ordering: .acquiring) >> 32 == seen {
                    sleepers += 1
                    lock.wait()
                    sleepers -= 1
                }
                lock.unlock()
            }
            seen = ticket.load(ordering: .acquiring) >> 32
            work()
        }
    }
}
