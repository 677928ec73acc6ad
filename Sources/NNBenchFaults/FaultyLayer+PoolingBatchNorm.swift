import NNBenchEngine

/// The wrong backward passes of max pooling and batchnorm. Both need what the engine's layer
/// keeps private from its forward pass (the maxima's positions, the batch's deviation); they
/// recompute it with the engine's own kernels on the same input, which gives the same values.
extension FaultyLayer {
    /// Overwrites `dx` with max pooling's gradient routed as ``Fault/maxpoolBackwardAssigns`` or
    /// ``Fault/maxpoolBackwardFirstWindowOnly`` routes it: each window's gradient assigned to its
    /// maximum in row-major order, so that the last window wins where windows share a maximum;
    /// or only each plane's first window's.
    func routeMaxPoolGradient(_ dy: UnsafePointer<Scalar>, input: Batch<Scalar>, into dx: UnsafeMutablePointer<Scalar>) {
        let window = (inner as! PoolingLayer<Scalar>).window
        let planes = input.count * input.shape[0], outputs = planes * window.outputPlane
        let maxima = Buffer<Scalar>(count: outputs)
        var argmax = [Int32](repeating: 0, count: outputs)
        argmax.withUnsafeMutableBufferPointer {
            Scalar._maxPool(input.pointer, planes: planes, window: window, output: maxima.pointer, argmax: $0.baseAddress!)
        }
        let routed = fault == .maxpoolBackwardFirstWindowOnly ? 1 : window.outputPlane
        dx.update(repeating: 0, count: input.size)
        for p in 0..<planes {
            let plane = dx + p * window.inputPlane
            for i in p * window.outputPlane..<p * window.outputPlane + routed { plane[Int(argmax[i])] = dy[i] }
        }
    }

    /// Overwrites `dx` with batchnorm's input gradient for constant statistics, `dy·weight·invstd`,
    /// with `invstd = 1/√(σ² + ε)` of the batch (``Fault/batchnormGradientIgnoresStatistics``): the
    /// engine's evaluation-mode formula applied to a training pass.
    func constantStatisticsGradient(_ dy: UnsafePointer<Scalar>, input: Batch<Scalar>, into dx: UnsafeMutablePointer<Scalar>) {
        let norm = inner as! BatchNormLayer<Scalar>
        let (channels, spatial) = (norm.channels, norm.spatial)
        let (mean, squaredDeviations) = (Buffer<Scalar>(count: channels), Buffer<Scalar>(count: channels))
        Scalar._channelStatistics(
            input.pointer, samples: input.count, channels: channels, spatial: spatial, mean: mean.pointer,
            squaredDeviations: squaredDeviations.pointer)
        let values = Scalar(input.count * spatial), weight = norm.weight.value.pointer
        for s in 0..<input.count {
            for c in 0..<channels {
                let inverseDeviation = 1 / (squaredDeviations.pointer[c] / values + norm.epsilon).squareRoot()
                let scale = weight[c] * inverseDeviation, offset = (s * channels + c) * spatial
                for i in offset..<offset + spatial { dx[i] = scale * dy[i] }
            }
        }
    }
}
