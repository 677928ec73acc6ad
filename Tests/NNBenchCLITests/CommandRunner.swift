import Foundation

/// Runs the built `nnbench` executable, as a user would, and captures what it prints.
struct CommandRunner {
    struct Result {
        let status: Int32
        let standardOutput: [UInt8]
        let standardError: String
        var output: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// The `nnbench` executable beside the test bundle in the build's products folder.
    static let executable: URL = {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("nnbench").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("nnbench")
    }()

    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `nnbench arguments...` in `directory` and waits for it.
    ///
    /// - Parameter standardOutput: Where the program's standard output goes (a file, `/dev/full`,
    ///   a pipe already closed at its other end), instead of a pipe read into the result.
    static func run(_ arguments: [String], in directory: URL? = nil, standardOutput: FileHandle? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), error = Pipe()
        process.standardOutput = standardOutput ?? output
        process.standardError = error
        try process.run()
        // Standard error is read on another thread, so that neither pipe can fill up and block the child.
        let errorBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorBox.data = error.fileHandleForReading.readDataToEndOfFile() }
        let out = standardOutput == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: Array(out),
            standardError: String(decoding: errorBox.data, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
