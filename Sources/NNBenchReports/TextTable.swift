/// A plain text table with left-aligned columns, as nnbench prints to a terminal.
///
/// ```
/// check     status  figure
/// --------  ------  ----------------
/// gradient  passed  rel. error 2e-09
/// ```
public struct TextTable: Sendable, Hashable {
    /// The column titles.
    public let header: [String]
    /// The rows, each with one cell per column.
    public var rows: [[String]]

    /// Creates a table.
    ///
    /// - Parameters:
    ///   - header: The column titles.
    ///   - rows: The rows, each with `header.count` cells.
    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines, the header underlined, columns separated by two spaces, ending in a
    /// newline.
    public func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let isLast = column == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return ([line(header), line(rule)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
