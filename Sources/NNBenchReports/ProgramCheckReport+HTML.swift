extension ProgramCheckReport {
    /// The report as one self-contained HTML page (`nnbench check --exec … --report`): the program,
    /// then per architecture its status and ``CheckReport/sections(idPrefix:)``.
    ///
    /// - Parameter summary: Extra lines under the title (the command line).
    public func page(summary: [String] = []) -> HTMLPage {
        let programLine = "program: " + (program.map { "\($0.name) (\($0.precision); ops: \($0.ops.joined(separator: ", ")))" } ?? command)
        // The text report's last line is its totals.
        let totals = text.split(separator: "\n").last.map(String.init) ?? ""
        let sections = entries.map { entry in
            var body = ""
            if entry.status == .unsupported { body += HTML.paragraph("unsupported: \(entry.reason ?? "")") }
            if let failure = entry.failure { body += HTML.paragraph("the program could not be checked: \(failure)") }
            if let shutdown = entry.shutdown { body += HTML.paragraph("at shutdown: \(shutdown)", note: true) }
            let children = entry.results.isEmpty ? [] : CheckReport(results: entry.results).sections(idPrefix: HTML.id(entry.name) + "-")
            return HTMLPage.Section(
                id: HTML.id(entry.name), heading: "\(entry.name): \(entry.architecture) on \(entry.task)", body: body, children: children)
        }
        return HTMLPage(title: "nnbench: check of \(program?.name ?? command)", summary: [programLine, totals] + summary, sections: sections)
    }
}
