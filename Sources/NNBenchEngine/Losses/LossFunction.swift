import NNBenchDatasets

/// The losses' kernel.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _LossKernels {
    /// The mean loss of a batch and, when `gradient` is given, its gradient with respect to the
    /// predictions, exactly as the model protocol (`docs/protocol.md`) defines each loss.
    ///
    /// - Parameters:
    ///   - loss: Which loss.
    ///   - predictions: `samples × width` raw outputs of the model.
    ///   - targets: `samples × width` targets for `mse` and `bce_logits`; `samples` class indices for
    ///     `softmax_ce` (then `width` is the number of classes).
    ///   - samples: The number of samples.
    ///   - width: The number of outputs per sample.
    ///   - gradient: Where to write d loss / d prediction, or `nil`.
    static func _loss(
        _ loss: Loss, predictions: UnsafePointer<Self>, targets: UnsafePointer<Self>, samples: Int, width: Int,
        gradient: UnsafeMutablePointer<Self>?) -> Self
}

extension EngineScalar {
    public static func _loss(
        _ loss: Loss, predictions z: UnsafePointer<Self>, targets y: UnsafePointer<Self>, samples: Int, width: Int,
        gradient: UnsafeMutablePointer<Self>?
    ) -> Self {
        switch loss {
        case .mse: return meanSquaredError(z, y, count: samples * width, gradient: gradient)
        case .bceLogits: return binaryCrossEntropyWithLogits(z, y, count: samples * width, gradient: gradient)
        case .softmaxCrossEntropy:
            return softmaxCrossEntropy(z, labels: y, samples: samples, classes: width, gradient: gradient)
        }
    }

    /// `(1/m) Σ (z − y)²` over m = n·k values; gradient `2(z − y)/m`.
    static func meanSquaredError(
        _ z: UnsafePointer<Self>, _ y: UnsafePointer<Self>, count: Int, gradient: UnsafeMutablePointer<Self>?
    ) -> Self {
        var sum: Self = 0
        let scale = 2 / Self(count)
        for i in 0..<count {
            let difference = z[i] - y[i]
            sum += difference * difference
            gradient?[i] = scale * difference
        }
        return sum / Self(count)
    }

    /// `(1/m) Σ max(z, 0) − z·y + ln(1 + e^−|z|)`, stable for any finite z; gradient `(σ(z) − y)/m`.
    static func binaryCrossEntropyWithLogits(
        _ z: UnsafePointer<Self>, _ y: UnsafePointer<Self>, count: Int, gradient: UnsafeMutablePointer<Self>?
    ) -> Self {
        var sum: Self = 0
        let scale = 1 / Self(count)
        for i in 0..<count {
            sum += Swift.max(z[i], 0) - z[i] * y[i] + Self.log(onePlus: Self.exp(-Swift.abs(z[i])))
            gradient?[i] = scale * (logistic(z[i]) - y[i])
        }
        return sum / Self(count)
    }

    /// `(1/n) Σ_i logsumexp(z_i) − z_i,y_i`, with the row maximum subtracted before
    /// exponentiating so that no logit overflows; gradient `(softmax(z_i) − onehot(y_i))/n`.
    static func softmaxCrossEntropy(
        _ z: UnsafePointer<Self>, labels: UnsafePointer<Self>, samples: Int, classes: Int,
        gradient: UnsafeMutablePointer<Self>?
    ) -> Self {
        var sum: Self = 0
        let scale = 1 / Self(samples)
        for i in 0..<samples {
            let row = z + i * classes
            let label = Int(labels[i])
            precondition(label >= 0 && label < classes, "class index \(labels[i]) is outside 0..<\(classes)")
            var largest = row[0]
            for j in 1..<classes { largest = Swift.max(largest, row[j]) }
            var total: Self = 0
            for j in 0..<classes { total += Self.exp(row[j] - largest) }
            let logSumExp = largest + Self.log(total)
            sum += logSumExp - row[label]
            if let gradient {
                let out = gradient + i * classes
                for j in 0..<classes { out[j] = scale * Self.exp(row[j] - logSumExp) }
                out[label] -= scale
            }
        }
        return sum / Self(samples)
    }
}

extension Batch {
    /// The rows a loss averages over and the values in each: `(count, width)`, except for a
    /// sequence output `[steps, k]`, where every (sample, step) pair is a row of `k` values, so
    /// that `softmax_ce` takes one class index per step and averages over `count·steps` pairs
    /// (PyTorch's `CrossEntropyLoss` on `[n, k, steps]`). `mse` and `bce_logits` average over every
    /// value either way.
    package var lossRows: (samples: Int, width: Int) {
        shape.count == 2 ? (count * shape[0], shape[1]) : (count, width)
    }
}
