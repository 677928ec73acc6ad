import NNBenchEngine

extension TrainingDiagnoses {
    /// The update-to-weight ratio `‖Δw‖ / ‖w‖` of a step should be about 1e-3 (CS231n, "Neural
    /// Networks Part 3", ratio of weights:updates: a rule of thumb); a median over the epochs more
    /// than three orders of magnitude away from it, outside this band, is diagnosed. The `health`
    /// check holds its 30 Adam steps at lr 1e-3 to two decades; over a whole run at the catalogue's
    /// own rates the references reach 0.13 (encoder), so the band is a decade wider each side.
    static let updateRatioBand = 1e-6...1.0

    /// Per weight tensor, the median over the trained epochs of the last step's update ratio
    /// against ``updateRatioBand``; a tensor that never moves is the frozen rule's.
    static func updateRatioMeasurements(_ record: TrainingRecord, layers: [LayerSpec]) -> [TrainingMeasurement] {
        let band = updateRatioBand
        let threshold = "within [\(short(band.lowerBound)), \(short(band.upperBound))]"
        return weightTensors(record, layers: layers).compactMap { index, name in
            let ratios = record.epochs.dropFirst().compactMap { $0.parameters.indices.contains(index) ? $0.parameters[index].updateRatio : nil }
                .filter(\.isFinite).sorted()
            guard !ratios.isEmpty else { return nil }
            let median = ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
            guard median > 0 else { return nil }
            let advice = median > band.upperBound
                ? "the learning rate is likely too high for this layer; lower it"
                : "the learning rate is likely too low (or the gradient vanishes here); try it higher"
            return measurement(
                "update-ratio", name, value: median, margin: decadesInside(median, band), unit: "decades", threshold: threshold,
                message: "\(name): update-to-weight ratio \(short(median)) (median over \(epochs(ratios.count))), far from the usual 1e-3 (outside [\(short(band.lowerBound)), \(short(band.upperBound))]): \(advice)")
        }
    }
}
