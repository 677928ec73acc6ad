import NNBenchEngine

extension Symptom {
    /// Parameters that differ from the reference after an optimizer step while the gradients
    /// agree: the causes that fit the optimizer and the step at which they first differ (a wrong
    /// first step is the update rule itself; a right first step and a wrong later one is the state
    /// the rule keeps between steps).
    ///
    /// - Parameters:
    ///   - optimizer: The optimizer whose step differs.
    ///   - step: The first step (from 1) after which a parameter differs.
    static func step(of optimizer: OptimizerSpec, at step: Int) -> Symptom {
        var causes: [String] = []
        switch optimizer {
        case .sgd(_, let momentum, let nesterov, let weightDecay):
            if step > 1, momentum > 0 {
                causes += ["the momentum buffer not kept between steps (or reset)", "the buffer's first step not the raw gradient (PyTorch: b₁ = g)"]
                if nesterov { causes.append("nesterov's g + μ·b not used as the update") }
            }
            if weightDecay > 0 { causes += ["weight decay not added to the gradient (λ·w), or with the wrong sign"] }
            causes += ["updates not applied, or with the wrong sign", "a learning rate other than the one given"]
        case .adam(_, _, _, _, let weightDecay), .adamW(_, _, _, _, let weightDecay):
            let decoupled = if case .adamW = optimizer { true } else { false }
            if decoupled, weightDecay > 0 {
                causes += ["adamw's decay added to the gradient (adam's L2) instead of w ← w − lr·λ·w before the step"]
            } else if weightDecay > 0 {
                causes += ["adam's weight decay decoupled (adamw's) instead of added to the gradient"]
            }
            causes += ["no bias correction (1 − βᵗ) of the moments", "eps added inside the square root (√(v̂ + eps))"]
            if step > 1 { causes += ["the moments or the step count t not kept between steps"] }
        case .rmsprop(_, _, _, let momentum, let weightDecay, let centered):
            causes += ["eps added inside the square root (√(v + eps)) instead of after it"]
            if centered { causes += ["centered: the squared mean gradient not subtracted from v"] }
            if step > 1 { causes += ["the running mean square not kept between steps (or started from g² instead of (1 − α)·g²)"] }
            if momentum > 0 { causes += ["momentum applied to the gradient instead of to g/(√v + eps)"] }
            if weightDecay > 0 { causes += ["weight decay not added to the gradient (λ·w)"] }
        }
        causes += ["gradients not zeroed between steps", "labels shuffled separately from the inputs"]
        return Symptom(name: "parameters after optimizer steps differ from the reference", likelyCauses: causes)
    }
}
