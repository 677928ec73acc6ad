/// A report as one self-contained HTML file: inline SVG pictures and inline CSS, no script, no
/// font, style sheet or image fetched from anywhere, so it opens from disk, offline, and prints.
///
/// The markup is XHTML-compatible (every element closed, every attribute quoted, only XML's own
/// entities), so an XML parser reads it too, which is how the tests check it.
public struct HTMLPage: Sendable {
    /// A part of the page with a heading, its content, and parts of its own.
    public struct Section: Sendable {
        /// The fragment the table of contents links to.
        public var id: String
        /// The heading.
        public var heading: String
        /// The content, as markup (``HTML`` builds it).
        public var body: String
        /// Sub-sections, one heading level down.
        public var children: [Section]

        /// Creates a section.
        public init(id: String, heading: String, body: String = "", children: [Section] = []) {
            self.id = id
            self.heading = heading
            self.body = body
            self.children = children
        }
    }

    /// The page's title and main heading.
    public var title: String
    /// Lines under the title: what was run, with what.
    public var summary: [String]
    /// The sections, in order.
    public var sections: [Section]

    /// Creates a page.
    public init(title: String, summary: [String] = [], sections: [Section] = []) {
        self.title = title
        self.summary = summary
        self.sections = sections
    }

    /// The page's markup.
    public var rendered: String {
        var html = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        html += "<meta name=\"generator\" content=\"nnbench\"/>\n"
        html += "<title>\(XMLText.escaped(title))</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n"
        html += "<header>\n<h1>\(XMLText.escaped(title))</h1>\n"
        for line in summary { html += "<p class=\"summary\">\(XMLText.escaped(line))</p>\n" }
        html += "</header>\n"
        if sections.count > 1 {
            html += "<nav>\n<ul>\n"
            for section in sections {
                html += "<li><a href=\"#\(XMLText.escaped(section.id))\">\(XMLText.escaped(section.heading))</a></li>\n"
            }
            html += "</ul>\n</nav>\n"
        }
        html += "<main>\n"
        for section in sections { html += render(section, level: 2) }
        return html + "</main>\n</body>\n</html>\n"
    }

    private func render(_ section: Section, level: Int) -> String {
        var html = "<section id=\"\(XMLText.escaped(section.id))\">\n<h\(level)>\(XMLText.escaped(section.heading))</h\(level)>\n"
        html += section.body
        for child in section.children { html += render(child, level: Swift.min(level + 1, 6)) }
        return html + "</section>\n"
    }

    /// The style sheet: system fonts, figures that wrap side by side on a screen, and for print
    /// (A4) no figure or table row split across pages.
    static let style = """
        body { font-family: Helvetica, Arial, sans-serif; color: #222222; margin: 0 auto; max-width: 1280px; padding: 0 20px 40px; line-height: 1.4; }
        header { border-bottom: 2px solid #0072b2; margin-bottom: 12px; }
        h1 { font-size: 24px; margin: 18px 0 6px; }
        h2 { font-size: 20px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; margin-top: 32px; }
        h3 { font-size: 16px; margin: 22px 0 8px; }
        h4 { font-size: 14px; margin: 16px 0 6px; }
        p.summary { margin: 2px 0; color: #444444; }
        p.note { color: #555555; font-size: 13px; }
        nav ul { columns: 4 180px; padding-left: 18px; }
        table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
        th, td { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: #f2f2f2; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .status-good { background: #dcefe6; }
        .status-bad { background: #f8d9c8; font-weight: bold; }
        .status-neutral { background: #eeeeee; }
        .figures { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-size: 12px; color: #555555; max-width: 460px; }
        svg { display: block; }
        code { font-family: Menlo, Consolas, monospace; font-size: 12px; background: #f4f4f4; padding: 0 3px; }
        @media print {
          body { max-width: none; padding: 0; }
          nav { display: none; }
          figure, tr { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
        }
        @page { size: A4; margin: 12mm; }

        """
}

/// Pieces of markup for ``HTMLPage`` sections, every text escaped.
public enum HTML {
    /// A table cell: its text, a number (right-aligned), or a status shown by colour and word.
    public struct Cell: Sendable, ExpressibleByStringLiteral {
        /// The text.
        public var text: String
        /// The CSS class (`number`, `status-good`, `status-bad`, `status-neutral`).
        public var style: String?

        /// A cell of text with an optional class.
        public init(_ text: String, style: String? = nil) {
            self.text = text
            self.style = style
        }

        /// A plain text cell.
        public init(stringLiteral value: String) {
            self.init(value)
        }

        /// A right-aligned number.
        public static func number(_ text: String) -> Cell { Cell(text, style: "number") }

        /// A status word on a background that says whether it is good.
        public static func status(_ text: String, good: Bool?) -> Cell {
            Cell(text, style: good.map { $0 ? "status-good" : "status-bad" } ?? "status-neutral")
        }
    }

    /// A table with a header row.
    public static func table(header: [String], rows: [[Cell]]) -> String {
        var html = "<table>\n<thead><tr>" + header.map { "<th>\(XMLText.escaped($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr>" + row.map { cell in
                "<td\(cell.style.map { " class=\"\($0)\"" } ?? "")>\(XMLText.escaped(cell.text))</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// Pictures side by side, each with an optional caption.
    public static func figures(_ pictures: [(svg: String, caption: String?)]) -> String {
        guard !pictures.isEmpty else { return "" }
        var html = "<div class=\"figures\">\n"
        for picture in pictures {
            html += "<figure>\n" + picture.svg
            if let caption = picture.caption { html += "<figcaption>\(XMLText.escaped(caption))</figcaption>\n" }
            html += "</figure>\n"
        }
        return html + "</div>\n"
    }

    /// A paragraph; `note` sets it in the smaller grey of remarks.
    public static func paragraph(_ text: String, note: Bool = false) -> String {
        "<p\(note ? " class=\"note\"" : "")>\(XMLText.escaped(text))</p>\n"
    }

    /// A bulleted list.
    public static func list(_ items: [String]) -> String {
        guard !items.isEmpty else { return "" }
        return "<ul>\n" + items.map { "<li>\(XMLText.escaped($0))</li>\n" }.joined() + "</ul>\n"
    }

    /// A fragment identifier from a name: letters, digits and `-`, anything else as `-`.
    public static func id(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }
}
