/// The fields of an answer that a rule judges, so that a breach the JSON Schema found in them
/// too is reported once (`nnbench check --exec CMD --conformance`).
enum FieldScope: Sendable, Hashable {
    /// The field at this path only: `loss`, `params` (a rule on the object as a whole, not on
    /// the tensors in it, which the schema judges on their own).
    case field(String)
    /// The field and everything in it: `y`, `y.shape`, `y.data[3]` (a rule that finds the value
    /// unreadable as a whole, as "not a tensor").
    case within(String)

    /// The path the scope starts at.
    var path: String {
        switch self {
        case .field(let path), .within(let path): path
        }
    }

    /// Whether a schema violation at `path` is in this scope.
    func covers(_ other: String) -> Bool {
        switch self {
        case .field(let path): other == path
        case .within(let path): other == path || other.hasPrefix(path + ".") || other.hasPrefix(path + "[")
        }
    }
}

extension ProtocolModel {
    /// Records a rule's violation, in place of the schema's violations of the same answer within
    /// `scopes`: one problem, reported once, in the rule's words, which know more than the schema
    /// (the shape or the names the model expects). The schema's findings deeper in the field
    /// (`y.shape[1]` of a `y` that is not a tensor) are kept in it, as they say where.
    func record(_ violation: ProtocolViolation, restating scopes: [FieldScope]) {
        let restated = indices(restatedBy: scopes, request: violation.request, op: violation.op)
        guard let first = restated.first else {
            violations.append(violation)
            return
        }
        let deeper = restated.map { violations[$0] }.filter { $0.field != violation.field }.map(\.what)
        violations[first] = deeper.isEmpty ? violation : ProtocolViolation(
            op: violation.op, request: violation.request, field: violation.field,
            what: violation.what + " (" + deeper.joined(separator: "; ") + ")", hint: violation.hint)
        for index in restated.dropFirst().reversed() { violations.remove(at: index) }
    }

    /// Forgets the schema's violations of one answer within `scopes`, when a failure that ends the
    /// program says the same (an answer without `ok`).
    func forgetViolations(restatedBy scopes: [FieldScope], request: String, op: String) {
        for index in indices(restatedBy: scopes, request: request, op: op).reversed() { violations.remove(at: index) }
    }

    /// The violations of the answer to `request` whose field is within `scopes`. The request text
    /// carries its unique id, so it names one answer.
    private func indices(restatedBy scopes: [FieldScope], request: String, op: String) -> [Int] {
        violations.indices.filter { index in
            let violation = violations[index]
            guard violation.request == request, violation.op == op, let field = violation.field else { return false }
            return scopes.contains { $0.covers(field) }
        }
    }
}
