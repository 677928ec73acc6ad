@testable import NNBenchProtocol
import Testing

/// The last lines of a program's standard error: bounded in count and length, whatever the chunks.
@Suite("standard error tail")
struct StderrTailTests {
    static func tail(_ chunks: [String], maxLines: Int = 3, maxLineBytes: Int = 5) -> [String] {
        var tail = StderrTail(maxLines: maxLines, maxLineBytes: maxLineBytes)
        for chunk in chunks { tail.append(Array(chunk.utf8)[...]) }
        return tail.text
    }

    @Test("lines split across chunks are joined")
    func splitLines() {
        #expect(Self.tail(["ab", "c\nd", "e\n", "f"]) == ["abc", "de", "f"])
    }

    @Test("only the last lines are kept")
    func lastLines() {
        #expect(Self.tail(["1\n2\n3\n4\n5\n"]) == ["3", "4", "5"])
    }

    @Test("a long line is cut and marked, even when it arrives in pieces")
    func longLines() {
        #expect(Self.tail(["abcdefgh\n"]) == ["abcde […]"])
        #expect(Self.tail(["abc", "def", "gh\nxy"]) == ["abcde […]", "xy"])
        #expect(Self.tail(["abcde\n"]) == ["abcde"])
    }

    @Test("empty lines and a slice that does not start at index 0")
    func emptyLinesAndSlices() {
        var tail = StderrTail(maxLines: 3, maxLineBytes: 5)
        let bytes = Array("skip\n\nok\n".utf8)
        tail.append(bytes[5...])
        #expect(tail.text == ["", "ok"])
    }
}
