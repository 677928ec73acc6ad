import Foundation
import NNBench

/// The checks of an output path made before any work starts, so that a run of minutes does not
/// end by failing to write its result (`run all --junit /nonexistent/dir/r.xml`).
///
/// They test what can be known without writing the output: the folder exists and a file can be
/// created in it (a regular file is replaced through a temporary file beside it; a probe file is
/// created and removed), or a device or FIFO may be written. A write can still fail later (a full disk); that is reported then, with status 2.
enum OutputPath {
    /// Checks that `path` can be written as a file.
    ///
    /// - Parameters:
    ///   - path: The file, as given.
    ///   - option: The option that named it, for messages (`--junit`).
    /// - Throws: Exit 64 for an empty path; exit 2 for a directory (or a name ending in `/`), a
    ///   missing or unwritable folder.
    static func checkFile(_ path: String, option: String) throws {
        try checkNotEmpty(path, option: option)
        // The process's own descriptor (/dev/stdout) is written into as it is open; a closed one
        // is reported when the write opens it.
        if AtomicFile.descriptorNumber(of: path) != nil { return }
        // A name ending in '/' is a folder's, whether or not it exists.
        if path.hasSuffix("/") {
            throw failure("cannot write \(option) '\(path)': a name ending in '/' names a folder; expected a file", status: ExitStatus.error)
        }
        // What the write will replace: the end of a chain of symbolic links, as AtomicFile follows it.
        let target: String
        do throws(FileError) { target = try AtomicFile.finalTarget(of: path) } catch {
            throw failure("cannot write \(option) '\(path)': \(error.description)", status: ExitStatus.error)
        }
        var info = stat()
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw failure("cannot write \(option) '\(path)': it is a directory", status: ExitStatus.error)
            case S_IFREG:
                try checkFolder(AtomicFile.directoryName(of: target), for: path, option: option)
            default:
                guard access(path, W_OK) == 0 else {
                    throw failure("cannot write \(option) '\(path)': \(String(cString: strerror(errno)))", status: ExitStatus.error)
                }
            }
        } else if errno == ENOENT {
            try checkFolder(AtomicFile.directoryName(of: target), for: path, option: option)
        } else {
            throw failure("cannot write \(option) '\(path)': \(String(cString: strerror(errno)))", status: ExitStatus.error)
        }
    }

    /// Creates the folder `path` (and its parents) when missing, and checks it can be written into.
    ///
    /// - Parameters:
    ///   - path: The folder.
    ///   - option: The option that named it.
    /// - Throws: Exit 64 for an empty path; exit 2 when it cannot be created or written into.
    static func prepareFolder(_ path: String, option: String) throws {
        try checkNotEmpty(path, option: option)
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw failure("cannot write \(option) '\(path)': it exists and is not a folder", status: ExitStatus.error)
        }
        do throws(FileError) { try RunRecordWriter.createDirectory(path) } catch {
            throw failure("cannot write \(option) '\(path)': \(error.description)", status: ExitStatus.error)
        }
        try checkFolder(path, for: path, option: option)
    }

    /// Refuses two options that name the same file or folder (after `.`, `..` and symbolic links),
    /// before any work: the second write would replace the first's, or fail after the run.
    ///
    /// - Parameter paths: Each option and the path it names, if given.
    /// - Throws: Exit 64 naming both options and the path.
    static func checkDistinct(_ paths: [(option: String, path: String?)]) throws {
        var seen: [String: String] = [:]
        for (option, path) in paths {
            guard let path, !path.isEmpty, AtomicFile.descriptorNumber(of: path) == nil else { continue }
            // The end of a chain of links first, as the write follows it: Foundation's resolving
            // leaves a link to a file not yet written as it is.
            let target = (try? AtomicFile.finalTarget(of: path)) ?? path
            var info = stat()
            // Two outputs into one device (/dev/null) do not replace each other.
            if stat(target, &info) == 0, info.st_mode & S_IFMT == S_IFCHR { continue }
            let resolved = resolved(target)
            if let earlier = seen[resolved] {
                throw failure("\(earlier) and \(option) both name '\(path)'; give each its own path", status: ExitStatus.usage)
            }
            seen[resolved] = option
        }
    }

    /// The files `run --output` and `merge --output` write for an entry: its record, its JSON
    /// lines and its observation file.
    static func runFiles(of entry: SuiteEntry) -> [String] {
        [BaselineFile.fileName(of: entry.name), RunRecordWriter.fileName(of: entry.name), ObservationFile.fileName(of: entry.name)]
    }

    /// Refuses a file option that names one of the files a folder gets (`--junit o/xor.json.gz`
    /// with `--output o`, or a shard's manifest): one write would replace the other.
    ///
    /// - Parameters:
    ///   - names: The files' names in the folder.
    ///   - folder: The folder and what it is, for messages (`--output`, `the shard folder`).
    ///   - files: The file options and their paths, if given.
    /// - Throws: Exit 64 naming the file, the option and the path.
    static func checkNotAmong(_ names: [String], in folder: (what: String, path: String?), files: [(option: String, path: String?)]) throws {
        guard let directory = folder.path, files.contains(where: { $0.path != nil }) else { return }
        for name in names { try checkDistinct([("\(folder.what)'s \(name)", "\(directory)/\(name)")] + files) }
    }

    /// Refuses a file option that names a file in `folder`, which the command reads and never
    /// writes (the baselines a run is compared with): `--junit Baselines/xor.json.gz` would replace
    /// a baseline, and any other file there would be taken for one or litter it.
    ///
    /// - Parameters:
    ///   - folder: The option and its folder (`--baselines`).
    ///   - files: The file options and their paths, if given.
    /// - Throws: Exit 64 naming the option, its path and the folder.
    static func checkOutside(_ folder: (option: String, path: String), files: [(option: String, path: String?)]) throws {
        let directory = resolved(folder.path)
        for (option, path) in files {
            guard let path, !path.isEmpty, AtomicFile.descriptorNumber(of: path) == nil else { continue }
            let target = (try? AtomicFile.finalTarget(of: path)) ?? path
            guard resolved(AtomicFile.directoryName(of: target)) == directory else { continue }
            throw failure("\(option) '\(path)' is in the \(folder.option) folder '\(folder.path)', which is read and never written; give a path outside it", status: ExitStatus.usage)
        }
    }

    /// A path made absolute, with `.`, `..` and symbolic links resolved where they exist.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Refuses an empty path as the command line's error.
    static func checkNotEmpty(_ path: String, option: String) throws {
        guard path.isEmpty else { return }
        throw failure("invalid \(option) ''; expected a path", status: ExitStatus.usage)
    }

    private static func checkFolder(_ folder: String, for path: String, option: String) throws {
        var info = stat()
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw failure("cannot write \(option) '\(path)': the folder '\(folder)' does not exist", status: ExitStatus.error)
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw failure("cannot write \(option) '\(path)': the folder '\(folder)' is not writable", status: ExitStatus.error)
        }
        // Permission bits do not say everything (root passes `access`; `/proc` takes no new file):
        // a file is created there and removed at once, as the atomic write's temporary file will be.
        var template = Array((folder + "/.nnbench-probe-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw failure("cannot write \(option) '\(path)': cannot create a file in '\(folder)': \(String(cString: strerror(errno)))", status: ExitStatus.error)
        }
        close(descriptor)
        unlink(template)
    }
}
