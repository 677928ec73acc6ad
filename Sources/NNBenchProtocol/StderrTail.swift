/// The last lines a program wrote to its standard error, bounded in count and in length, so that a
/// program flooding its standard error costs nnbench a fixed amount of memory.
struct StderrTail {
    /// How many complete lines are kept.
    let maxLines: Int
    /// The longest line kept; a longer one is cut and marked.
    let maxLineBytes: Int
    private(set) var lines: [String] = []
    private var partial: [UInt8] = []
    private var partialCut = false

    init(maxLines: Int = 20, maxLineBytes: Int = 400) {
        self.maxLines = maxLines
        self.maxLineBytes = maxLineBytes
    }

    /// Adds bytes as they arrive.
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while let newline = rest.firstNewline {
            take(rest[..<newline])
            finishLine()
            rest = rest[(newline + 1)...]
        }
        take(rest)
    }

    /// Adds a piece of a line, as much of it as the line's limit leaves room for.
    private mutating func take(_ piece: ArraySlice<UInt8>) {
        let room = Swift.max(maxLineBytes - partial.count, 0)
        if piece.count > room { partialCut = true }
        partial.append(contentsOf: piece.prefix(room))
    }

    /// The kept lines, the unfinished last one included.
    var text: [String] {
        partial.isEmpty ? lines : lines + [render(partial, cut: partialCut)]
    }

    private mutating func finishLine() {
        lines.append(render(partial, cut: partialCut))
        if lines.count > maxLines { lines.removeFirst(lines.count - maxLines) }
        partial.removeAll(keepingCapacity: true)
        partialCut = false
    }

    private func render(_ bytes: [UInt8], cut: Bool) -> String {
        String(decoding: bytes, as: UTF8.self) + (cut ? " […]" : "")
    }
}
