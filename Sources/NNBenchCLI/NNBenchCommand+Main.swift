import ArgumentParser
import Foundation
import NNBench

extension NNBenchCommand {
    /// Runs the command as ArgumentParser does, with standard output's failures reported.
    ///
    /// SIGPIPE is ignored, a decision for the whole process that belongs to the program, not to
    /// its libraries: `nnbench generate ... | head -1` then gets EPIPE from its write and exits 2
    /// with a line naming standard output, as `> /dev/full` does, instead of dying of a signal.
    /// What `print` wrote is checked as the process exits, whichever way it exits: text that never
    /// arrived makes the status 2.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        atexit {
            do throws(FileError) { try StandardOutput.flush() } catch {
                _ = failure(error.description, status: ExitStatus.error)
                _exit(ExitStatus.error.rawValue)
            }
        }
        main(nil)
    }
}
