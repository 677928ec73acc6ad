import NNBench

/// `run --diagnoses-margins`: for each rule of the training diagnoses, the figure closest to its
/// threshold over every run of the entries meant to meet their target (the reference solutions),
/// with where it was measured, then every diagnosis of the entries meant to miss it (the lessons):
/// how docs/diagnoses.md's margins are measured.
enum DiagnosisMargins {
    /// The table, as text.
    ///
    /// - Parameter replaced: The options that replaced the entries' reference configuration
    ///   (`--arch`, `--optimizer`), named in the heading: the runs are then not the references'.
    static func text(_ results: [EntryResult], replaced: [String] = []) -> String {
        var worst: [String: (measurement: TrainingMeasurement, place: String)] = [:]
        var order: [String] = []
        var lessons: [String] = []
        for result in results {
            for (record, measurements) in zip(result.runs, result.measurements) {
                let place = "\(result.entry.name) seed \(record.seed)"
                for measurement in measurements {
                    if result.entry.expectation == .miss {
                        if let diagnosis = measurement.diagnosis { lessons.append("\(place): \(diagnosis.name) \(diagnosis.subject) \(short(diagnosis.value))") }
                        continue
                    }
                    // The two directions of a gradient band (across depth, through time) share one
                    // margin, whatever the number of steps the threshold names.
                    // A rule with two thresholds (units at initialisation and after training) has two margins.
                    let rule = Self.sharedRule(measurement.rule) ?? measurement.rule + " " + measurement.threshold
                    if worst[rule] == nil { order.append(rule) }
                    if worst[rule].map({ measurement.margin < $0.measurement.margin }) ?? true { worst[rule] = (measurement, place) }
                }
            }
        }
        let table = TextTable(
            header: ["rule", "threshold", "worst figure", "margin", "where"],
            rows: order.map { rule in
                let (measurement, place) = worst[rule]!
                return [Self.sharedRule(measurement.rule) ?? measurement.rule, measurement.threshold, short(measurement.value), "\(short(measurement.margin)) \(measurement.marginUnit)", "\(place): \(measurement.subject)"]
            })
        let trained = replaced.isEmpty
            ? "on the reference solutions (entries meant to meet their target)"
            : "on the entries meant to meet their target, trained with \(replaced.joined(separator: " and ")) (not their reference solutions)"
        var text = "diagnoses \(trained): the figure closest to each threshold\n" + table.render()
        text += "diagnoses of the lesson entries (meant to miss their target): \(lessons.isEmpty ? "none" : "\(lessons.count)")\n"
        for line in lessons { text += "  \(line)\n" }
        return text
    }


    /// The one row both directions of a gradient band share: `vanishing/exploding-gradients`
    /// (across depth), `vanishing/exploding-through-time`; `nil` for another rule.
    static func sharedRule(_ rule: String) -> String? {
        for suffix in ["-gradients", "-through-time"] where rule.hasSuffix(suffix) { return "vanishing/exploding" + suffix }
        return nil
    }
}
