import Glibc

extension AtomicFile.Writer {
    /// Makes an interrupt (SIGINT, SIGTERM, SIGHUP) remove this writer's temporary file before the
    /// process ends as the signal says, so that a long write stopped with Ctrl-C leaves nothing
    /// behind. One writer at a time is registered (the last one asked); ``commit()`` and dropping
    /// the writer unregister it. A writer into a device has no temporary file, and nothing to do.
    ///
    /// Only `nnbench generate`, whose writes can take minutes, asks for this: other writes are
    /// short, and a kill during one leaves a hidden `.NAME.PID.RANDOM.tmp`, as documented.
    public func removeOnInterrupt() {
        guard let temporary = temporaryPath else { return }
        InterruptCleanup.installHandlers()
        InterruptCleanup.register(strdup(temporary))
        registeredForInterrupt = true
    }
}

/// The temporary file a signal handler removes: one C string, swapped in and out atomically
/// enough for a handler (a pointer-sized store), read by a handler that calls only unlink(2),
/// signal(2) and raise(3), which are async-signal-safe.
enum InterruptCleanup {
    nonisolated(unsafe) private static var pending: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var installed = false

    /// Registers a temporary file (or none), freeing the one registered before.
    static func register(_ path: UnsafeMutablePointer<CChar>?) {
        let previous = pending
        pending = path
        free(previous)
    }

    /// Installs the handlers once.
    static func installHandlers() {
        guard !installed else { return }
        installed = true
        // Touch the storage before any signal can come, so the handler never initialises it.
        register(pending)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                if let path = InterruptCleanup.pending { unlink(path) }
                // The default action then ends the process as the signal asks (status 128 + n).
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
