import Glibc

extension AtomicFile {
    /// The most links followed before giving up with `ELOOP`, as Linux's own limit (40).
    static let maximumLinkDepth = 40

    /// The path that a write to `path` replaces: `path` itself, or, when its last component is a
    /// symbolic link, the file the chain of links ends at (which may not exist yet: a link to a
    /// file still to be written). Links in the directories above need no following, as the
    /// temporary file made beside the target resolves through them to the same directory.
    ///
    /// - Throws: ``FileError/system(path:step:code:)`` when a link cannot be read, or `ELOOP`
    ///   after ``maximumLinkDepth`` links.
    package static func finalTarget(of path: String) throws(FileError) -> String {
        var current = path
        for _ in 0..<maximumLinkDepth {
            var status = stat()
            // A missing file, or one that cannot be looked at, is left to the write to report.
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
            let target = try linkText(current, reportedAs: path)
            current = target.hasPrefix("/") ? target : directoryName(of: current) + "/" + target
        }
        throw .system(path: path, step: "follow the symbolic links of", code: ELOOP)
    }

    /// The text of a symbolic link (its target, as written when the link was made).
    private static func linkText(_ link: String, reportedAs path: String) throws(FileError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count)
        guard count >= 0 else { throw .system(path: path, step: "read the symbolic link", code: errno) }
        guard count < buffer.count else { throw .system(path: path, step: "read the symbolic link", code: ENAMETOOLONG) }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The descriptor a path names when it is one of the process's own: `/dev/stdin`,
    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N`. A write there goes into
    /// the open descriptor itself, at its offset and with its flags (a shell's `>>` appends); to
    /// open the path anew would start at offset 0, and to replace what it names would drop what
    /// the process printed before.
    package static func descriptorNumber(of path: String) -> Int32? {
        switch path {
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                let digits = path.dropFirst(prefix.count)
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
                return Int32(digits)
            }
            return nil
        }
    }

    static func isRegularFile(_ status: stat) -> Bool { status.st_mode & S_IFMT == S_IFREG }

    static func isDirectory(_ status: stat) -> Bool { status.st_mode & S_IFMT == S_IFDIR }
}
