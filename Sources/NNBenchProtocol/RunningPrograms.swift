#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process groups of the programs nnbench is running now, so that a signal ending nnbench
/// (Ctrl-C, a CI job's timeout) can end them too: a program busy computing never reads the end of
/// its standard input, and would otherwise run on under init with its children.
///
/// The library installs no signal handler (what a signal does to the process is its owner's
/// decision); the command line's `main` does, and calls ``killAll()`` from it. The groups are
/// kept in a fixed array of `pid_t` allocated once, because a signal handler may only read plain
/// memory and call async-signal-safe functions such as kill(2).
public enum RunningPrograms {
    /// More programs than the parallel self-test ever runs at once; beyond it a program is simply
    /// not ended by a signal.
    static let capacity = 256
    nonisolated(unsafe) private static let groups: UnsafeMutablePointer<pid_t> = {
        let groups = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        groups.initialize(repeating: 0, count: capacity)
        return groups
    }()
    private static let lock = NSLock()

    /// Allocates the table, so that ``killAll()`` never runs an initialiser inside a signal
    /// handler. Call it before installing the handler.
    public static func prepare() {
        _ = groups
    }

    /// Sends SIGKILL to the process group of every program running now. Async-signal-safe once
    /// ``prepare()`` has run: no allocation, no lock. SIGKILL rather than SIGTERM, because
    /// nnbench is about to end and cannot wait out a grace period.
    public static func killAll() {
        let groups = groups
        for slot in 0..<capacity {
            let group = groups[slot]
            if group > 0 { kill(-group, SIGKILL) }
        }
    }

    /// Records a program's process group (its pid).
    static func add(_ group: pid_t) {
        lock.lock()
        defer { lock.unlock() }
        for slot in 0..<capacity where groups[slot] == 0 {
            groups[slot] = group
            return
        }
    }

    /// Forgets a program's process group once it has been reaped.
    static func remove(_ group: pid_t) {
        lock.lock()
        defer { lock.unlock() }
        for slot in 0..<capacity where groups[slot] == group { groups[slot] = 0 }
    }
}
