import NNBenchChecks
import NNBenchEngine

extension TrainingReport {
    /// The training diagnoses of every run (docs/diagnoses.md), one row each, or a line saying
    /// every rule was silent; `nil` when the runs were not diagnosed (``diagnoses`` empty).
    var diagnosesSection: HTMLPage.Section? {
        guard diagnoses.count == records.count else { return nil }
        let rows = zip(records, diagnoses).flatMap { record, found in
            found.map { diagnosis -> [HTML.Cell] in
                [.number(String(record.seed)), HTML.Cell.status(diagnosis.name, good: false), HTML.Cell(diagnosis.subject),
                 .number(number(diagnosis.value)), HTML.Cell(diagnosis.threshold), HTML.Cell(diagnosis.message)]
            }
        }
        let body = rows.isEmpty
            ? HTML.paragraph("No diagnosis: every rule of docs/diagnoses.md was silent on \(records.count == 1 ? "the run" : "every run").")
            : HTML.paragraph("Warnings about how the network trains, not about the code; they never change a verdict or an exit status. Definitions, thresholds and sources: docs/diagnoses.md.", note: true)
                + HTML.table(header: ["seed", "diagnosis", "where", "measured", "healthy", "what to try"], rows: rows)
        return HTMLPage.Section(id: idPrefix + "diagnoses", heading: "Diagnoses", body: body)
    }
}
