import Foundation
import NNBenchEngine
import NNBenchModel

/// Bounds that depend on the model's precision, with the reasoning behind each.
struct Tolerances {
    let precision: Precision

    /// The central-difference step, per unit of the perturbed value. In Double, h = 1e-6:
    /// truncation O(h²) ≈ 1e-12 and rounding ε·|L|/h ≈ 1e-10 for a loss near 1. In Float the
    /// loss itself is rounded at about 1e-7 of itself after a few layers, so h = 1e-2 keeps that
    /// rounding near 1e-5 of a unit gradient while the truncation, O(h²) ≈ 1e-4, is what
    /// ``DerivativeProbe`` extrapolates away when it matters.
    var step: Double { precision == .float32 ? 1e-2 : 1e-6 }

    /// The relative part of the derivative bound (``DerivativeProbe``): what rounding of the
    /// analytic value and what is left of the truncation may leave between a correct analytic
    /// derivative and the numerical one. Float: the analytic value carries a few hundred roundings
    /// of 6e-8 (1e-5 of it), and a truncation of 1e-4 of a unit gradient remains at h = 1e-2: 1e-3
    /// is ten times that. Double: 1e-6 is a hundred times the truncation at h = 1e-6. Bugs are
    /// off by a factor (0.5 and more), far beyond either.
    var relative: Double { precision == .float32 ? 1e-3 : 1e-6 }

    /// The largest difference from nnbench's Double reference, relative to the largest value of the
    /// tensor compared (or 1): a float32 model rounds each of a few hundred operations at 6e-8, so
    /// 1e-4 is a hundred times what it should show; float64 leaves the same margin over 1e-12.
    var reference: Double { precision == .float32 ? 1e-4 : 1e-10 }

    /// How far a batch's loss may be from the mean of its samples' losses, relatively: a few
    /// roundings of the sum.
    var batchLoss: Double { precision == .float32 ? 1e-5 : 1e-12 }
}

extension Tensor where Scalar == Double {
    /// The largest absolute value, 0 for an empty tensor.
    var maxAbs: Double { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// The largest `|a − b|` and where (flat index), for tensors of equal shape.
    func largestDifference(from other: Tensor<Double>) -> (difference: Double, index: Int) {
        precondition(shape == other.shape, "comparing tensors of shapes \(shape) and \(other.shape)")
        var worst = (difference: 0.0, index: 0)
        for i in scalars.indices {
            let difference = Swift.abs(scalars[i] - other.scalars[i])
            if difference > worst.difference || difference.isNaN { worst = (difference.isNaN ? .infinity : difference, i) }
        }
        return worst
    }

    /// Whether every value is finite.
    var allFinite: Bool { scalars.allSatisfy(\.isFinite) }

    /// The L2 norm.
    var norm: Double { scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// A flat index written as a multi-index: `[2, 0]`.
    func position(_ index: Int) -> String {
        var rest = index, indices: [Int] = []
        for dimension in shape.reversed() {
            indices.append(rest % Swift.max(dimension, 1))
            rest /= Swift.max(dimension, 1)
        }
        return "[" + indices.reversed().map(String.init).joined(separator: ",") + "]"
    }

    /// The samples `range` of a batch.
    func samples(_ range: Range<Int>) -> Tensor<Double> {
        let width = count / Swift.max(shape[0], 1)
        return Tensor(shape: [range.count] + shape.dropFirst(), scalars: Array(scalars[range.lowerBound * width..<range.upperBound * width]))
    }
}

/// A number in short scientific form: `3.1e-01`.
package func short(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    if value == 0 { return "0" }
    let magnitude = Swift.abs(value)
    if magnitude >= 1e-3 && magnitude < 1e4 {
        let text = String(format: "%.4g", value)
        return text
    }
    return String(format: "%.2e", value)
}
