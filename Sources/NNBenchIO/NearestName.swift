/// The known name closest to `name` by edit distance, ignoring case, when it is close enough
/// to be a likely typo; `nil` otherwise.
///
/// - Parameters:
///   - name: What the user wrote.
///   - known: The accepted names.
/// - Returns: The suggestion, or `nil`.
package func nearestName(to name: String, in known: [String]) -> String? {
    let written = Array(name.lowercased())
    let scored = known.map { (name: $0, distance: editDistance(written, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
    let tolerance = max(1, min(3, written.count / 2))
    return best.distance <= tolerance ? best.name : nil
}

/// The Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`.
private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var row = [i + 1]
        for (j, y) in b.enumerated() {
            row.append(min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = row
    }
    return previous[b.count]
}
