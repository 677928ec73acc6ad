/// Gradient clipping before each optimizer step, as ``ClipSpec`` defines it.
enum GradientClipping {
    /// Clips the gradients of `parameters` in place.
    ///
    /// - `norm(max)`, as `torch.nn.utils.clip_grad_norm_`: with `total` the L2 norm of all the
    ///   gradients together, every gradient is multiplied by `max / (total + 1e-6)` when that is
    ///   below 1. The squares are summed parameter by parameter, in order, so the result does not
    ///   depend on anything but the gradients.
    /// - `value(v)`, as `torch.nn.utils.clip_grad_value_`: every gradient value is clamped to `[−v, v]`.
    static func apply<Scalar: EngineScalar>(_ clip: ClipSpec, to parameters: [Parameter<Scalar>]) {
        switch clip {
        case .norm(let maxNorm):
            // Per-parameter sums in Scalar, their total in Double: PyTorch also norms each
            // gradient on its own before combining the norms.
            var sumOfSquares = 0.0
            for parameter in parameters {
                sumOfSquares += Double(Scalar._sumOfSquares(parameter.gradient.pointer, count: parameter.count))
            }
            let coefficient = maxNorm / (sumOfSquares.squareRoot() + 1e-6)
            guard coefficient < 1 else { return }
            for parameter in parameters {
                Scalar._scale(parameter.gradient.pointer, count: parameter.count, by: Scalar(coefficient))
            }
        case .value(let clipValue):
            for parameter in parameters {
                Scalar._clamp(parameter.gradient.pointer, count: parameter.count, limit: Scalar(clipValue))
            }
        }
    }
}
