import Foundation

/// The baselines folder a command reads: it must exist, so that a run from the wrong directory,
/// or with a mistyped `--baselines`, is an error and not a run in which every entry is new.
enum BaselineFolder {
    /// Checks that `path` is a folder.
    ///
    /// - Parameter path: The `--baselines` value.
    /// - Throws: Exit 64 for an empty path; exit 2 when it does not exist or is not a folder.
    static func check(_ path: String) throws {
        try OutputPath.checkNotEmpty(path, option: "--baselines")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A relative path is looked up from the working directory, which the user may not expect.
            let place = path.hasPrefix("/") ? "" : " in \(FileManager.default.currentDirectoryPath)"
            throw failure(
                "the baselines folder '\(path)' does not exist\(place); run in the checkout, give --baselines DIR, or record baselines with 'nnbench baseline record'",
                status: ExitStatus.error)
        }
        guard isDirectory.boolValue else {
            throw failure("--baselines '\(path)' is not a folder; expected a folder of ENTRY.json.gz files", status: ExitStatus.error)
        }
    }
}
