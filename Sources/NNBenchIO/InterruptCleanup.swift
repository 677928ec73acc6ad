import Glibc

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
