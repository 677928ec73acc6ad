import CKernels

/// Max or average pooling over `size × size` windows of every plane of an NCHW image, without
/// padding, as PyTorch's MaxPool2d and AvgPool2d.
package final class PoolingLayer<Scalar: EngineScalar>: Layer {
    /// What a window is reduced to.
    package enum Kind {
        /// The largest value; its gradient goes to that value alone (the first of equal maxima).
        case max
        /// The mean; its gradient is shared equally by the window.
        case average
    }

    package let kind: Kind
    package let window: SlidingWindow
    package var computesInputGradient = true
    private var input: Batch<Scalar>?
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()
    /// For max pooling, the position within its plane of each output's maximum.
    private var argmax: [Int32] = []

    package init(_ kind: Kind, inputShape: [Int], outputShape: [Int], size: Int, stride: Int) {
        self.kind = kind
        window = SlidingWindow(height: inputShape[1], width: inputShape[2], size: size, stride: stride)
        precondition(outputShape == [inputShape[0], window.outputHeight, window.outputWidth], "pooling: inconsistent shapes")
    }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        let planes = input.count * input.shape[0]
        output.resize(planes * window.outputPlane)
        switch kind {
        case .max:
            if argmax.count < output.count { argmax = Array(repeating: 0, count: output.count) }
            argmax.withUnsafeMutableBufferPointer {
                Scalar._maxPool(input.pointer, planes: planes, window: window, output: output.pointer, argmax: $0.baseAddress!)
            }
        case .average:
            Scalar._averagePool(input.pointer, planes: planes, window: window, output: output.pointer)
        }
        return Batch(count: input.count, shape: [input.shape[0], window.outputHeight, window.outputWidth], pointer: output.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        inputGradient.resize(input.size)
        if computesInputGradient {
            let planes = input.count * input.shape[0]
            switch kind {
            case .max:
                argmax.withUnsafeBufferPointer {
                    Scalar._maxPoolGradient(
                        outputGradient.pointer, argmax: $0.baseAddress!, planes: planes, window: window,
                        inputGradient: inputGradient.pointer)
                }
            case .average:
                Scalar._averagePoolGradient(
                    outputGradient.pointer, planes: planes, window: window, inputGradient: inputGradient.pointer)
            }
        }
        return Batch(count: input.count, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// The pooling layers' kernels.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _PoolingKernels {
    /// Writes the maximum of each window of `planes` planes, and its position within its plane to
    /// `argmax`; the first of equal maxima wins, and NaN wins, as in PyTorch's CPU kernel.
    static func _maxPool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>,
        argmax: UnsafeMutablePointer<Int32>)

    /// Overwrites `inputGradient` with each output's gradient added at its window's `argmax`.
    static func _maxPoolGradient(
        _ outputGradient: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>)

    /// Writes the mean of each window of `planes` planes: its sum divided by `size²`.
    static func _averagePool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>)

    /// Overwrites `inputGradient` with each output's gradient divided by `size²` added over its window.
    static func _averagePoolGradient(
        _ outputGradient: UnsafePointer<Self>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>)
}

extension EngineScalar {
    public static func _maxPool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>,
        argmax: UnsafeMutablePointer<Int32>
    ) {
        for p in 0..<planes {
            let plane = input + p * window.inputPlane
            var index = p * window.outputPlane
            for oy in 0..<window.outputHeight {
                for ox in 0..<window.outputWidth {
                    let top = oy * window.stride, left = ox * window.stride
                    // As PyTorch's CPU kernel: a later value wins only if strictly larger, and NaN wins.
                    var best = top * window.width + left, largest = -Self.infinity
                    for y in top..<top + window.size {
                        for x in left..<left + window.size {
                            let value = plane[y * window.width + x]
                            if value > largest || value.isNaN { (best, largest) = (y * window.width + x, value) }
                        }
                    }
                    output[index] = largest
                    argmax[index] = Int32(best)
                    index += 1
                }
            }
        }
    }

    public static func _maxPoolGradient(
        _ outputGradient: UnsafePointer<Self>, argmax: UnsafePointer<Int32>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>
    ) {
        inputGradient.update(repeating: 0, count: planes * window.inputPlane)
        for p in 0..<planes {
            let plane = inputGradient + p * window.inputPlane
            for i in p * window.outputPlane..<(p + 1) * window.outputPlane {
                plane[Int(argmax[i])] += outputGradient[i]
            }
        }
    }

    public static func _averagePool(
        _ input: UnsafePointer<Self>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Self>
    ) {
        let area = Self(window.size * window.size)
        var index = 0
        for p in 0..<planes {
            let plane = input + p * window.inputPlane
            for oy in 0..<window.outputHeight {
                for ox in 0..<window.outputWidth {
                    let top = oy * window.stride, left = ox * window.stride
                    var sum: Self = 0
                    for y in top..<top + window.size {
                        for x in left..<left + window.size { sum += plane[y * window.width + x] }
                    }
                    output[index] = sum / area
                    index += 1
                }
            }
        }
    }

    public static func _averagePoolGradient(
        _ outputGradient: UnsafePointer<Self>, planes: Int, window: SlidingWindow,
        inputGradient: UnsafeMutablePointer<Self>
    ) {
        let area = Self(window.size * window.size)
        inputGradient.update(repeating: 0, count: planes * window.inputPlane)
        var index = 0
        for p in 0..<planes {
            let plane = inputGradient + p * window.inputPlane
            for oy in 0..<window.outputHeight {
                for ox in 0..<window.outputWidth {
                    let top = oy * window.stride, left = ox * window.stride
                    let share = outputGradient[index] / area
                    for y in top..<top + window.size {
                        for x in left..<left + window.size { plane[y * window.width + x] += share }
                    }
                    index += 1
                }
            }
        }
    }
}

// Float's max pooling is C (`nnb_smax_pool`): the generic loop above branches on every comparison,
// and on ReLU outputs (half zeros) those branches mispredicted enough to take a third of a small
// conv net's step; the C kernel compares four windows at once with selects, same results.
// Double (the checks' precision) keeps the generic loop.
extension Float {
    public static func _maxPool(
        _ input: UnsafePointer<Float>, planes: Int, window: SlidingWindow, output: UnsafeMutablePointer<Float>,
        argmax: UnsafeMutablePointer<Int32>
    ) {
        nnb_smax_pool(
            input, planes, window.height, window.width, window.size, window.stride, window.outputHeight,
            window.outputWidth, output, argmax)
    }
}
