import NNBench

/// Training diagnoses (docs/diagnoses.md) as warnings on standard error, one line each,
/// `nnbench: warning: ...`; they never change the exit status.
enum DiagnosisWarnings {
    /// One run's diagnoses, as `train` prints them.
    static func print(_ diagnoses: [TrainingDiagnosis]) {
        for diagnosis in diagnoses { writeToStandardError("nnbench: warning: \(diagnosis.message)\n") }
    }

    /// Every entry's diagnoses, as `run` prints them: one line per rule and place of an entry,
    /// with the first seed's figures and the other seeds where it holds too, so that a lesson
    /// entry's ten seeds say it once.
    static func print(_ results: [EntryResult]) {
        for result in results {
            var order: [String] = []
            var found: [String: (diagnosis: TrainingDiagnosis, seeds: [UInt64])] = [:]
            for (record, diagnoses) in zip(result.runs, result.diagnoses) {
                for diagnosis in diagnoses {
                    let key = diagnosis.name + "\u{0}" + diagnosis.subject
                    if found[key] == nil { order.append(key) }
                    found[key, default: (diagnosis, [])].seeds.append(record.seed)
                }
            }
            for key in order {
                let (diagnosis, seeds) = found[key]!
                let others = seeds.dropFirst().map(String.init).joined(separator: ", ")
                writeToStandardError("nnbench: warning: \(result.entry.name) seed \(seeds[0]): \(diagnosis.message)\(others.isEmpty ? "" : " (also seed\(seeds.count > 2 ? "s" : "") \(others))")\n")
            }
        }
    }
}

/// A record as `train --json` prints it, with a `diagnoses` array and, for `--inject`, an
/// `injectedFault` beside its fields (a reader of ``TrainingRecord`` ignores both).
struct DiagnosedRecord: Encodable {
    let record: TrainingRecord
    let diagnoses: [TrainingDiagnosis]?
    /// The bug `train --inject` made the engine commit: an `injectedFault` field says so.
    var injectedFault: Fault? = nil

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var fields = encoder.container(keyedBy: JSONPathKey.self)
        if let injectedFault { try fields.encode(injectedFault.rawValue, forKey: JSONPathKey("injectedFault")) }
        if let diagnoses { try fields.encode(diagnoses, forKey: JSONPathKey("diagnoses")) }
        // The verdict on each recurrent layer's gradient through time, healthy or not, beside the
        // norms per step the record holds.
        if diagnoses != nil, let profiles = record.timeStepGradients {
            try fields.encode(profiles.map { TrainingDiagnoses.timeStepVerdict($0, outcome: record.outcome) }, forKey: JSONPathKey("timeStepVerdicts"))
        }
    }
}
