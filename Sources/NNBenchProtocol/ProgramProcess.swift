#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NNBenchEngine
import NNBenchIO

/// A program started through `/bin/sh -c` in its own process group, talked to one line at a
/// time over pipes.
///
/// Everything happens on the calling thread with `poll`: while a request is written and its answer
/// awaited, standard error is drained into a ``StderrTail`` (and a log), so a program that floods
/// its standard error or does not read its input can never block nnbench, and every wait has a
/// deadline. Ending the program signals the whole group, so its children end with it, and reaps
/// it, so no zombie is left.
///
/// Written by hand rather than on swiftlang/swift-subprocess (1.0.2, which the brief prefers for
/// process supervision) for one reason: its API is `async` and scopes the running process to a
/// closure, while the checks drive a ``CheckableModel`` synchronously, one request at a time,
/// across many calls. Bridging would park a cooperative-pool thread on every request (the
/// parallel self-test runs several models at once on two cores) or hold a task open for the
/// model's lifetime. Revisit when the checks become `async`.
final class ProgramProcess {
    /// How an exchange went wrong.
    enum Failure: Error, Equatable {
        /// The program exited (or closed its standard output) before answering.
        case exited(String)
        /// No complete answer within the time limit.
        case timedOut(seconds: Double)
        /// The answer line grew beyond the limit.
        case lineTooLong(limit: Int)
    }

    /// The process id, which is also the process group id.
    let pid: pid_t
    /// The last lines of standard error.
    private(set) var stderrTail = StderrTail()
    private var input: Int32
    private var output: Int32
    private var errors: Int32
    private let log: ProgramLog?
    private var buffer: [UInt8] = []
    private var scanned = 0
    /// Whether the program has been reaped; its wait status, unless someone else reaped it.
    private var ended = false
    private var exitStatus: Int32?
    private static let spawning = NSLock()

    /// Starts `command` with `/bin/sh -c` in the current directory.
    ///
    /// - Parameter log: Where the program's whole standard error goes too, or `nil`.
    /// - Throws: A message when the pipes or the process cannot be made.
    init(command: String, log: ProgramLog?) throws(ProgramStartError) {
        self.log = log
        // One spawn at a time: between pipe() and fcntl() below, a program spawned on another
        // thread would inherit these pipe ends and hold off this program's end-of-file until it
        // exits (Glibc's pipe2 and posix_spawn_file_actions_addclosefrom_np are not visible to Swift).
        Self.spawning.lock()
        defer { Self.spawning.unlock() }
        var fds: [Int32] = [-1, -1, -1, -1, -1, -1]
        for i in 0..<3 {
            // Close-on-exec, so that only the ends dup'ed to 0, 1 and 2 reach the program.
            guard fds.withUnsafeMutableBufferPointer({ pipe($0.baseAddress! + 2 * i) }) == 0 else {
                fds.filter { $0 >= 0 }.forEach { _ = close($0) }
                throw ProgramStartError("cannot make a pipe: \(String(cString: strerror(errno)))")
            }
            _ = fcntl(fds[2 * i], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[2 * i + 1], F_SETFD, FD_CLOEXEC)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[3], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[5], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group, so that ending it reaches its children; SIGPIPE back to default for it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (text: String) in strdup(text) }
        defer { arguments.forEach { free($0) } }
        var child: pid_t = 0
        let status = (arguments + [nil]).withUnsafeBufferPointer { argv in
            posix_spawn(&child, "/bin/sh", &actions, &attributes, UnsafeMutablePointer(mutating: argv.baseAddress!), environ)
        }
        for fd in [fds[0], fds[3], fds[5]] { close(fd) }
        guard status == 0 else {
            for fd in [fds[1], fds[2], fds[4]] { close(fd) }
            throw ProgramStartError("cannot start /bin/sh: \(String(cString: strerror(status)))")
        }
        pid = child
        RunningPrograms.add(child)
        input = fds[1]
        output = fds[2]
        errors = fds[4]
        for fd in [input, output, errors] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        end(grace: 0)
    }

    /// Writes `request` (one line, newline included) and waits for one line of answer.
    ///
    /// - Returns: The answer line without its newline.
    func exchange(_ request: [UInt8], timeout: Double, maxLineBytes: Int) throws(Failure) -> [UInt8] {
        let deadline = Self.now + timeout
        var written = 0
        while true {
            if let newline = buffer[scanned...].firstNewline {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                scanned = 0
                return line
            }
            scanned = buffer.count
            guard buffer.count <= maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
            guard output >= 0 else { throw .exited(reapDescription()) }
            let remaining = deadline - Self.now
            guard remaining > 0 else { throw .timedOut(seconds: timeout) }
            var polled = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            if written < request.count, input >= 0 { polled.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            // Wake at least every 50 ms to ask waitpid whether the program exited: its standard
            // output may never reach end-of-file when a process spawned meanwhile by another
            // thread (a Foundation Process, say) inherited a copy of the pipe's write end.
            let ready = poll(&polled, nfds_t(polled.count), Int32(min(remaining * 1000, 50).rounded(.up)))
            guard ready > 0 else {
                if !ended, reap(blocking: false) {
                    // What it wrote before exiting is still read: a whole line is its answer.
                    drainErrors()
                    var previous = -1
                    while buffer.count != previous, output >= 0 {
                        previous = buffer.count
                        if !readOutput() { break }
                    }
                    if buffer[scanned...].firstNewline == nil {
                        close(output)
                        output = -1
                    }
                }
                continue
            }
            if polled[1].revents != 0 { drainErrors() }
            if polled[0].revents != 0, !readOutput() {
                close(output)
                output = -1
            }
            if polled.count > 2, polled[2].revents != 0 {
                // A program that exits while its request is written must not take nnbench down with
                // SIGPIPE: the write fails with EPIPE instead, and the program's exit is reported.
                let count = request[written...].withUnsafeBytes { bytes in
                    DescriptorIO.withoutSIGPIPE { write(input, bytes.baseAddress!, bytes.count) }
                }
                if count > 0 {
                    written += count
                } else if errno != EAGAIN && errno != EINTR {
                    // The program closed its input; its answer, or its exit, decides what happened.
                    close(input)
                    input = -1
                }
            }
        }
    }

    /// Waits up to `seconds` for the program to exit by itself.
    ///
    /// - Returns: Whether it exited.
    func waitForExit(seconds: Double) -> Bool {
        closeInput()
        let deadline = Self.now + seconds
        while !ended {
            if reap(blocking: false) { break }
            guard Self.now < deadline else { return false }
            drainErrors()
            usleep(5_000)
        }
        return true
    }

    /// Ends the program and every process of its group: SIGTERM, then SIGKILL after `grace`
    /// seconds, and reaps it. Safe to call more than once.
    ///
    /// - Returns: Whether the program had to be killed after ignoring SIGTERM.
    @discardableResult
    func end(grace: Double) -> Bool {
        closeInput()
        var killed = false
        if !ended, !reap(blocking: false) {
            kill(-pid, SIGTERM)
            if !waitForExit(seconds: grace) {
                kill(-pid, SIGKILL)
                killed = true
                _ = reap(blocking: true)
            }
        }
        // Children that outlived the program are still in its group: they go too.
        kill(-pid, SIGKILL)
        RunningPrograms.remove(pid)
        drainErrors()
        for fd in [output, errors] where fd >= 0 { close(fd) }
        output = -1
        errors = -1
        return killed
    }

    /// How the program ended, once it has: "exited with status 3", "was killed by signal 9".
    var exitDescription: String? {
        guard let status = exitStatus else { return nil }
        if status & 0x7f == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(status & 0x7f)"
    }

    private func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    /// Reads what standard output holds; `false` at its end.
    private func readOutput() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress!, $0.count) }
        if count > 0 { buffer += chunk[..<count] }
        return count > 0 || (count < 0 && (errno == EAGAIN || errno == EINTR))
    }

    /// Reads whatever standard error holds without waiting, into the tail and the log.
    private func drainErrors() {
        guard errors >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(errors, $0.baseAddress!, $0.count) }
            if count > 0 {
                stderrTail.append(chunk[..<count])
                chunk.withUnsafeBytes { log?.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                close(errors)
                errors = -1
            }
            return
        }
    }

    /// The program closed its standard output: waits briefly for its exit to say how it ended.
    private func reapDescription() -> String {
        _ = waitForExit(seconds: 0.5)
        return exitDescription ?? "closed its standard output"
    }

    private func reap(blocking: Bool) -> Bool {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { exitStatus = status; ended = true; return true }
            if result < 0 && errno == EINTR { continue }
            // ECHILD: someone else reaped it, so nothing is left to wait for, and how it ended is
            // unknown: claiming "exited with status 0" would mislead the user.
            if result < 0 { ended = true; return true }
            return false
        }
    }

    private static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// Why a program could not be started.
struct ProgramStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
