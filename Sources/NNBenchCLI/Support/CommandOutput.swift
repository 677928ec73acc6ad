import ArgumentParser
import Foundation
import NNBenchIO

/// The command line as a page quotes it: `nnbench train xor --report r.html`.
var quotedCommandLine: String { "nnbench " + CommandLine.arguments.dropFirst().joined(separator: " ") }

/// Writes an HTML page (`--report`) atomically; a path that cannot be written is status 2.
func writePage(_ html: String, to path: String) throws(ExitCode) {
    do { try AtomicFile.write(Array(html.utf8), to: path) } catch {
        throw failure(error.description, status: ExitStatus.error)
    }
}

/// Prints `value` as one line of JSON with sorted keys (`--json`). A loss or error that is not a
/// number (a diverged run) has no JSON word, so it is the string `"nan"`, `"inf"` or `"-inf"`.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
