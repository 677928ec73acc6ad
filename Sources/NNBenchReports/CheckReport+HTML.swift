import NNBenchChecks

extension CheckReport {
    /// The results as an HTML page of their own (`nnbench check --report`): ``sections(idPrefix:)``
    /// under a title and summary lines.
    ///
    /// - Parameters:
    ///   - title: The page's title.
    ///   - summary: Lines under it: what was checked, with what.
    public func page(title: String, summary: [String]) -> HTMLPage {
        HTMLPage(title: title, summary: summary, sections: sections())
    }

    /// The verdict table (check, status, figure, bound, where the bug is, the diagnosis with its
    /// likely causes: what the text report prints), then, for each check that measured per tensor
    /// or layer (``CheckResult/measurements``), its figures against their bounds on a log axis.
    ///
    /// - Parameter idPrefix: Put before every section's id, so that several architectures' results
    ///   can share a page.
    public func sections(idPrefix: String = "") -> [HTMLPage.Section] {
        let rows: [[HTML.Cell]] = results.map { result in
            let good: Bool? = switch result.status {
            case .passed: true
            case .failed, .error: false
            case .skipped: nil
            }
            var diagnosis = result.diagnosis ?? ""
            if !result.likelyCauses.isEmpty {
                diagnosis += (diagnosis.hasSuffix(".") || diagnosis.isEmpty ? "" : ".") + " Likely causes: " + result.likelyCauses.joined(separator: "; ") + "."
            }
            return [
                HTML.Cell(result.check), .status(result.status.rawValue, good: good), HTML.Cell(result.figure), HTML.Cell(result.bound),
                HTML.Cell(result.location?.description ?? ""), HTML.Cell(diagnosis),
            ]
        }
        var sections = [HTMLPage.Section(
            id: idPrefix + "verdicts", heading: "Verdicts",
            body: HTML.table(header: ["check", "status", "figure", "bound", "where", "diagnosis"], rows: rows))]
        if let gradient = results.first(where: { $0.check == "gradient" }), let measured = gradient.measurements, !measured.isEmpty {
            let chart = Self.chart("gradient: analytic against numerical", measured, valueLabel: "relative error |a − n| / max(|a|, |n|), log scale")
            sections.append(HTMLPage.Section(
                id: idPrefix + "gradient", heading: "Gradient check, per tensor",
                body: HTML.figures([(chart, Self.gradientCaption + (measured.contains { $0.name.hasSuffix(" (through time)") } ? Self.throughTimeCaption : ""))])))
        }
        if let reference = results.first(where: { $0.check == "reference" }), let measured = reference.measurements, !measured.isEmpty {
            var figures: [(svg: String, caption: String?)] = []
            let forward = measured.filter { $0.kind == .forward }, backward = measured.filter { $0.kind == .backward }
            if !forward.isEmpty {
                figures.append((Self.chart("forward: each layer's output", forward, valueLabel: Self.referenceLabel), Self.forwardCaption))
            }
            if !backward.isEmpty {
                figures.append((Self.chart("backward: each parameter's gradient", backward, valueLabel: Self.referenceLabel), Self.backwardCaption))
            }
            sections.append(HTMLPage.Section(
                id: idPrefix + "reference", heading: "Against the reference engine, layer by layer", body: HTML.figures(figures)))
        }
        return sections
    }

    /// One bar per measurement, its bound a tick: blue within it, vermillion beyond.
    private static func chart(_ title: String, _ measurements: [CheckMeasurement], valueLabel: String) -> String {
        BarChart(
            title: title, valueLabel: valueLabel, scale: .log,
            bars: measurements.map { measurement in
                BarChart.Bar(
                    label: measurement.name, value: measurement.error,
                    colour: measurement.error <= measurement.bound ? Palette.category(0) : Palette.category(3), bound: measurement.bound)
            }
        ).svg()
    }

    private static let referenceLabel = "|model − reference| / max(1, max |reference|), log scale"

    private static let gradientCaption = """
        For each parameter tensor, its entry farthest from its central difference (as a fraction of its bound): \
        the relative error of the analytic gradient a against the numerical n, and as a black tick the bound \
        (rounding, the loss's noise over the step, truncation) divided likewise. Large models are compared along \
        random directions instead, one bar each. A bar at 0 is written as 0.
        """

    private static let throughTimeCaption = """
         Bars marked "(through time)" are the gradient check through time's: the network up to its last recurrent \
        layer, every recurrent layer returning its sequence, from nonzero initial states when the model takes them \
        (L.h_0, L.c_0: d loss / d the initial state); the layers after it are not in that network.
        """

    private static let forwardCaption = """
        With the model's weights copied into nnbench's reference engine (Double), the largest difference of each \
        layer's output on the check's batch, in evaluation mode, relative to the reference's largest value (at least 1); \
        the tick is the bound. Every layer is compared, also after the first that differs.
        """

    private static let backwardCaption = """
        The same for each parameter's gradient of the loss. Not measured when the outputs or the loss already differ: \
        the check stops at the first difference in the pass.
        """
}
