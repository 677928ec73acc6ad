#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNBenchIO
import Synchronization

/// The file that receives the whole standard error of every program the ``ProtocolModel``s given
/// it start (`nnbench check --exec COMMAND --log FILE`).
///
/// It is opened once, so that one log follows every program of a run in order, and a FIFO's
/// reader sees one stream. Opening creates a missing file and empties a regular one; a device or
/// FIFO is written as it is (nothing is ever put in its place), and a symbolic link is followed. A
/// log is a stream, not a result: it is written as the programs write, not atomically.
///
/// The first write that fails (a full disk, a FIFO whose reader has gone: `EPIPE`, never a
/// SIGPIPE) is kept in ``failure`` and ends the logging; the checks themselves go on.
public final class ProgramLog: Sendable {
    /// The log's path, as given.
    public let path: String
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var failure: FileError?
    }

    /// Opens (and creates or empties) the log.
    ///
    /// Opening a FIFO waits until a reader opens it too.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``FileError/system(path:step:code:)`` when it cannot be opened for writing (a
    ///   missing or read-only directory, a directory in the way).
    public init(path: String) throws(FileError) {
        // O_TRUNC empties a regular file and is ignored by FIFOs and devices.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .system(path: path, step: "open the log", code: errno) }
        self.path = path
        state = Mutex(State(descriptor: descriptor, failure: nil))
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
        }
    }

    /// The first write to the log that failed, if any; nothing was logged after it.
    public var failure: FileError? { state.withLock { $0.failure } }

    /// Appends bytes; after a failure, does nothing.
    func append(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            let code = DescriptorIO.writeAll(bytes, to: state.descriptor)
            guard code != 0 else { return }
            state.failure = .system(path: path, step: "write the log", code: code)
            close(state.descriptor)
            state.descriptor = -1
        }
    }
}
