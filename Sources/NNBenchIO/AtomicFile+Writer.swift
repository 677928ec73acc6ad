import Glibc

extension AtomicFile {
    /// A file written piece by piece under ``AtomicFile/write(_:to:)``'s rules, so that output too
    /// large to hold in memory (`nnbench generate` at 10^8 samples) is still never left partial
    /// under its name.
    ///
    /// - A regular file, or nothing yet: the pieces go to a hidden temporary file beside the
    ///   target, and ``commit()`` flushes it and renames it over the target. Until then the target
    ///   keeps its old contents; a writer dropped without a commit removes its temporary file.
    /// - A symbolic link is followed to its final target, which is replaced as above.
    /// - A device, FIFO or socket is written into as the pieces come; ``commit()`` closes it.
    /// - The process's own descriptors, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and
    ///   `/proc/self/fd/N`, are written into as they are open (a copy of descriptor N), whatever
    ///   they are open on: `--output /dev/stdout >> log` appends to `log`, after what was printed.
    ///
    /// Use one writer from one thread; after a failed write, only dropping it makes sense.
    public final class Writer {
        /// The path as given, which errors name.
        private let path: String
        private var descriptor: Int32
        /// The temporary file and the target it replaces; `nil` for a device, FIFO or socket.
        private let replacing: (temporary: String, target: String)?
        /// Whether ``removeOnInterrupt()`` registered the temporary file with the signal handlers.
        var registeredForInterrupt = false

        /// Opens `path` for writing: creates the temporary file beside a regular (or new) file, or
        /// opens the device, FIFO or socket.
        ///
        /// - Parameters:
        ///   - path: The file to create or replace; its directory must exist.
        ///   - removeOnInterrupt: Whether an interrupt (SIGINT, SIGTERM, SIGHUP) removes the
        ///     temporary file before the process ends as the signal says, so that a long write
        ///     stopped with Ctrl-C leaves nothing behind. One writer at a time is registered (the
        ///     last one made); ``commit()`` and dropping the writer unregister it. `nnbench
        ///     generate` asks for it, its writes taking minutes; other writes are short, and a
        ///     kill during one leaves a hidden `.NAME.PID.RANDOM.tmp`, as documented.
        /// - Throws: ``FileError/system(path:step:code:)``: a missing or read-only directory, a
        ///   directory in the way, a link that cannot be followed.
        public init(path: String, removeOnInterrupt: Bool = false) throws(FileError) {
            self.path = path
            if let number = AtomicFile.descriptorNumber(of: path) {
                // What print buffered goes first, so that the two keep their order.
                fflush(nil)
                descriptor = dup(number)
                guard descriptor >= 0 else { throw .system(path: path, step: "open to write", code: errno) }
                replacing = nil
                return
            }
            var status = stat()
            // stat(2) follows every link, /proc's magic ones (/dev/stdout) included.
            if stat(path, &status) == 0, !AtomicFile.isRegularFile(status), !AtomicFile.isDirectory(status),
               let device = try Writer.openInPlace(path) {
                descriptor = device
                replacing = nil
                return
            }
            let target = try AtomicFile.finalTarget(of: path)
            let directory = AtomicFile.directoryName(of: target)
            let temporary = AtomicFile.temporaryPath(for: target, in: directory)
            if removeOnInterrupt {
                // Registered before the file exists, so that no signal can come between the two;
                // removing a file not yet made is harmless.
                InterruptCleanup.installHandlers()
                InterruptCleanup.register(strdup(temporary))
            }
            registeredForInterrupt = removeOnInterrupt
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                let code = errno
                if removeOnInterrupt { InterruptCleanup.register(nil) }
                throw .system(path: path, step: "create a temporary file in '\(directory)' to write", code: code)
            }
            replacing = (temporary, target)
        }

        deinit {
            guard descriptor >= 0 else { return }
            close(descriptor)
            if let replacing { unlink(replacing.temporary) }
            if registeredForInterrupt { InterruptCleanup.register(nil) }
        }

        /// Opens a device, FIFO or socket as it is: no creation, no truncation (meaningless for
        /// them).
        ///
        /// - Returns: `nil`, having closed it, when what was opened is a regular file after all
        ///   (it was swapped in since the caller looked): the caller replaces it atomically.
        private static func openInPlace(_ path: String) throws(FileError) -> Int32? {
            let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .system(path: path, step: "open to write", code: errno) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                let code = errno
                close(descriptor)
                throw .system(path: path, step: "stat", code: code)
            }
            if AtomicFile.isRegularFile(status) {
                close(descriptor)
                return nil
            }
            return descriptor
        }

        /// Appends bytes.
        ///
        /// - Throws: ``FileError/system(path:step:code:)``: a full disk (`ENOSPC`), a pipe whose
        ///   reader has gone (`EPIPE`, never a SIGPIPE).
        public func write(_ bytes: [UInt8]) throws(FileError) {
            precondition(descriptor >= 0, "AtomicFile.Writer: write after commit")
            let code = bytes.withUnsafeBytes { DescriptorIO.writeAll($0, to: descriptor) }
            guard code == 0 else { throw .system(path: path, step: "write", code: code) }
        }

        /// Finishes the file: flushes the temporary file and renames it over the target, or
        /// closes the device.
        ///
        /// - Throws: ``FileError/system(path:step:code:)`` naming the step that failed (flushing,
        ///   closing, renaming); the temporary file is then removed and the target left as it was.
        public func commit() throws(FileError) {
            precondition(descriptor >= 0, "AtomicFile.Writer: commit twice")
            var failure: FileError?
            // Devices, FIFOs and sockets refuse fsync(2), and have nothing to flush.
            if replacing != nil, fsync(descriptor) != 0 { failure = .system(path: path, step: "flush (fsync)", code: errno) }
            // close(2) can report a deferred write error (NFS), so it must succeed too; it releases
            // the descriptor even when it fails, so it is never called twice.
            if close(descriptor) != 0 && failure == nil { failure = .system(path: path, step: "close", code: errno) }
            descriptor = -1
            // After the rename, not before: a signal in between must still find the file to remove.
            defer {
                if registeredForInterrupt {
                    InterruptCleanup.register(nil)
                    registeredForInterrupt = false
                }
            }
            guard let replacing else {
                if let failure { throw failure }
                return
            }
            if let failure {
                unlink(replacing.temporary)
                throw failure
            }
            guard rename(replacing.temporary, replacing.target) == 0 else {
                let code = errno
                unlink(replacing.temporary)
                throw .system(path: path, step: "rename a temporary file over", code: code)
            }
            AtomicFile.syncDirectory(AtomicFile.directoryName(of: replacing.target))
        }
    }
}
