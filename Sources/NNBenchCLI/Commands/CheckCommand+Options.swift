import ArgumentParser

extension CheckCommand {
    /// The options given on the command line, by their names, in the order of `--help`.
    var givenOptions: [String] {
        let given: [(String, Bool)] = [
            ("--arch", arch != nil), ("--task", task != nil), ("--param", !parameters.isEmpty), ("--only", only != nil),
            ("--seed", seedOption != nil), ("--precision", precisionOption != nil), ("--inject", inject != nil),
            ("--inject-all", injectAll), ("--self-test", selfTest), ("--seeds", seedsOption != nil), ("--shard", shard != nil),
            ("--list-checks", listChecks), ("--list-bugs", listBugs), ("--json", json), ("--exec", exec != nil),
            ("--timeout", timeoutOption != nil), ("--log", log != nil), ("--conformance", conformance), ("--record", record != nil),
            ("--report", report != nil),
        ]
        return given.filter(\.1).map(\.0)
    }

    /// Refuses every option given that the mode does not use, so that none is silently ignored,
    /// then does `work`.
    ///
    /// - Parameters:
    ///   - allowed: The options the mode uses, its own flags first.
    ///   - mode: The mode, for the message: `--inject-all`, `--exec`.
    ///   - work: What the mode does.
    /// - Throws: Exit 64 naming the first option the mode does not use, and the ones it does.
    func refuseOptions(except allowed: [String], in mode: String, then work: () throws -> Void = {}) throws {
        if let option = givenOptions.first(where: { !allowed.contains($0) }) {
            let own = Set(mode.split(separator: " ").map(String.init))
            let takes = allowed.filter { !own.contains($0) }
            let others = takes.isEmpty ? "which takes no other option" : "which takes only \(takes.joined(separator: ", "))"
            let hint = if Self.programOptions.contains(option) && exec == nil {
                "; \(option) goes with --exec"
            } else if option == "--shard" && !selfTest {
                "; --shard goes with --self-test (and with --exec --self-test)"
            } else {
                ""
            }
            throw failure("\(option) has no effect with \(mode), \(others)\(hint)", status: ExitStatus.usage)
        }
        try work()
    }

    /// The options that concern a program started by `--exec`.
    private static let programOptions: Set<String> = ["--timeout", "--log", "--record", "--conformance"]
}
