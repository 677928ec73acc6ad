import Glibc

/// Reads and writes on file descriptors. Writes report every failure through write(2)'s return
/// value, a closed pipe included, without touching the process-wide signal dispositions.
///
/// Writing into a pipe or FIFO whose reader has gone raises SIGPIPE, whose default action ends
/// the process. A library cannot set SIGPIPE to ignored for the whole process (that is the
/// program's decision: a command-line tool may want to die quietly in `cmd | head`), so each
/// write blocks SIGPIPE for the calling thread only, and discards the signal it raised: the
/// kernel sends the SIGPIPE of a write to the thread that wrote, and a blocked signal waits
/// pending until it is taken with sigtimedwait(2). The write then fails with EPIPE.
package enum DescriptorIO {
    /// The largest count passed to one read(2) or write(2); Linux moves at most about 2 GiB per call.
    package static let ioChunk = 1 << 30

    /// Writes every byte, retrying partial writes and interrupted calls.
    ///
    /// - Parameters:
    ///   - bytes: What to write.
    ///   - descriptor: An open descriptor; it must block (a non-blocking one may fail with EAGAIN).
    /// - Returns: 0 when every byte was written, else the `errno` of the write that failed.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        withoutSIGPIPE {
            var offset = 0
            while offset < bytes.count {
                let count = retryingInterrupted {
                    Glibc.write(descriptor, bytes.baseAddress! + offset, min(bytes.count - offset, ioChunk))
                }
                guard count >= 0 else { return errno }
                offset += count
            }
            return 0
        }
    }

    /// Runs `body` with SIGPIPE blocked for the calling thread and discards a SIGPIPE it raised,
    /// so that a write into a closed pipe fails with EPIPE instead of ending the process.
    ///
    /// A SIGPIPE already pending before the call (sent by someone else) is left pending. `errno`
    /// is as `body` left it.
    ///
    /// - Parameter body: The calls that may write into a pipe.
    /// - Returns: What `body` returns.
    package static func withoutSIGPIPE<Result>(_ body: () -> Result) -> Result {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        let wasPending = isSIGPIPEPending()
        let result = body()
        let code = errno
        if !wasPending, isSIGPIPEPending() {
            var noWait = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &noWait) < 0 && errno == EINTR {}
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        errno = code
        return result
    }

    /// Calls a read(2) or write(2) again for as long as a signal interrupts it.
    package static func retryingInterrupted(_ call: () -> Int) -> Int {
        var count: Int
        repeat { count = call() } while count < 0 && errno == EINTR
        return count
    }

    private static func isSIGPIPEPending() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }
}
