import NNBenchEngine

extension TrainingDiagnoses {
    /// The ratio of the first weight tensor's gradient norm to the last's outside this band is a
    /// vanishing (below) or exploding (above) gradient across depth: three orders of magnitude,
    /// the `health` check's band (``TrainingHealthCheck/depthRatio``). Cockpit (Schneider et al.
    /// 2021) plots these norms per layer; the band is a rule of thumb, nnbench's own.
    static var depthBand: ClosedRange<Double> { TrainingHealthCheck.depthRatio }

    /// The gradient norms of the first epoch's last step, first weight tensor over last.
    static func gradientDepthMeasurements(_ record: TrainingRecord, layers: [LayerSpec]) -> [TrainingMeasurement] {
        let tensors = weightTensors(record, layers: layers)
        guard tensors.count >= 2, record.epochs.count >= 2, let first = tensors.first, let last = tensors.last else { return [] }
        let parameters = record.epochs[1].parameters
        guard parameters.indices.contains(last.index), let top = parameters[last.index].gradientNorm,
              let bottom = parameters[first.index].gradientNorm, top > 0, bottom > 0, top.isFinite, bottom.isFinite else { return [] }
        let ratio = bottom / top, band = depthBand
        let vanishing = ratio < 1
        return [measurement(
            vanishing ? "vanishing-gradients" : "exploding-gradients", "\(first.name) / \(last.name)", value: ratio,
            margin: decadesInside(ratio, band), unit: "decades", threshold: "within [\(short(band.lowerBound)), \(short(band.upperBound))]",
            message: "gradient norm of \(first.name) / \(last.name) is \(short(ratio)) after epoch 1 (outside [\(short(band.lowerBound)), \(short(band.upperBound))]): "
                + (vanishing
                    ? "the gradient vanishes towards the first layers; try ReLU instead of sigmoid/tanh, fewer layers, He initialisation or batchnorm"
                    : "the gradient explodes towards the first layers; try a lower rate, gradient clipping (--clip \"norm(1.0)\") or a smaller initialisation"))]
    }
}
