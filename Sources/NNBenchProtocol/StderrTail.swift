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
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                finishLine()
            } else if partial.count < maxLineBytes {
                partial.append(byte)
            } else {
                partialCut = true
            }
        }
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
