import ArgumentParser
import Foundation
import NNBench

extension NNBenchCommand {
    /// Runs the command line, with standard output's failures reported.
    ///
    /// SIGPIPE is ignored, a decision for the whole process that belongs to the program, not to
    /// its libraries: `nnbench generate ... | head -1` then gets EPIPE from its write and exits 2
    /// with a line naming standard output, as `> /dev/full` does, instead of dying of a signal.
    /// What `print` wrote is checked as the process exits, whichever way it exits: text that never
    /// arrived makes the status 2. SIGINT, SIGTERM and SIGHUP end the programs `check --exec`
    /// runs (their process groups) before nnbench dies of the signal as it would have.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        RunningPrograms.prepare()
        // A parent may hand down these signals blocked (test runners' threads do): they would
        // then wait, pending, while the program runs on.
        var stops = sigset_t()
        sigemptyset(&stops)
        for stop in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&stops, stop) }
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
        for stop in [SIGINT, SIGTERM, SIGHUP] {
            signal(stop) { received in
                RunningPrograms.killAll()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        atexit {
            do throws(FileError) { try StandardOutput.flush() } catch {
                _ = failure(error.description, status: ExitStatus.error)
                _exit(ExitStatus.error.rawValue)
            }
        }
        main(nil)
    }

    /// Parses and runs the command as ArgumentParser does, with every error in nnbench's style:
    /// one line, `nnbench: error: ...`, on standard error.
    ///
    /// ArgumentParser reports a command line it cannot parse in four lines starting `Error:`;
    /// here it is one line naming the subcommand's help, with status 64. Help and `--version`
    /// print as ArgumentParser prints them (status 0), and the commands' own exit codes pass
    /// through. An error a command does not handle is a bug of nnbench's, reported in one line
    /// with status 2.
    static func main(_ arguments: [String]?) {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(reporting: error, status: ExitStatus.usage)
        }
        do {
            try command.run()
        } catch {
            exit(reporting: error, status: ExitStatus.error)
        }
    }

    /// Prints `error` in one line and exits with `status`, or as ArgumentParser does for help,
    /// `--version` and an exit code.
    private static func exit(reporting error: any Error, status: ExitCode) -> Never {
        if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
        var line = message(for: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        if let first = line.first, first.isUppercase, line.dropFirst().first?.isLowercase ?? false {
            line = first.lowercased() + line.dropFirst()
        }
        // The usage part of ArgumentParser's message names the subcommand's help.
        let full = fullMessage(for: error, columns: 1000)
        let help = full.range(of: "See '").flatMap { start in
            full[start.upperBound...].firstIndex(of: "'").map { String(full[start.upperBound..<$0]) }
        }
        // The example clients' name for what `check` calls --precision; ArgumentParser's own "did
        // you mean" looks only at spelling.
        if line.hasPrefix("unknown option '--dtype'"), help == "nnbench check --help" {
            line += ": the engine's is --precision float32|float64; a client's --dtype goes inside the --exec command"
        }
        if let help { line += " (see '\(help)')" }
        Foundation.exit(failure(line, status: status).rawValue)
    }
}
