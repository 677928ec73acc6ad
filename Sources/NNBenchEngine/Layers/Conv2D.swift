/// The geometry of square windows sliding over the planes of an image: the windows of a
/// convolution or a pooling layer.
public struct SlidingWindow: Sendable, Hashable {
    /// The height of an input plane.
    public let height: Int
    /// The width of an input plane.
    public let width: Int
    /// The side of a window.
    public let size: Int
    /// The step between windows, in both directions.
    public let stride: Int
    /// The rows and columns of zeros around each plane.
    public let padding: Int
    /// The height of an output plane: `⌊(height + 2·padding − size) / stride⌋ + 1`.
    public let outputHeight: Int
    /// The width of an output plane.
    public let outputWidth: Int

    /// Creates the windows over `height × width` planes.
    public init(height: Int, width: Int, size: Int, stride: Int, padding: Int = 0) {
        (self.height, self.width, self.size, self.stride, self.padding) = (height, width, size, stride, padding)
        outputHeight = (height + 2 * padding - size) / stride + 1
        outputWidth = (width + 2 * padding - size) / stride + 1
    }

    /// The values in an input plane.
    public var inputPlane: Int { height * width }

    /// The output columns `[first, end)` whose window's column `offset` (0..<size) lies inside
    /// the plane, `0 ≤ ox·stride − padding + offset < width`; the others read the padding.
    func insideColumns(_ offset: Int) -> (first: Int, end: Int) {
        let shift = padding - offset
        let first = shift > 0 ? (shift + stride - 1) / stride : 0
        let last = width - 1 + shift  // the largest ox·stride inside; negative: none is
        let end = Swift.min(outputWidth, Swift.max(first, last < 0 ? 0 : last / stride + 1))
        return (Swift.min(first, outputWidth), end)
    }
    /// The values in an output plane: the number of windows.
    public var outputPlane: Int { outputHeight * outputWidth }
}

/// Cross-correlation over NCHW images as PyTorch's Conv2d, weight `[filters, channels, k, k]`.
///
/// By im2col: per sample, the image's windows become the columns of a `[c·k·k, oh·ow]` matrix,
/// and `W[f, c·k·k]` times it is the sample's `[f, oh·ow]` output, already in NCHW order. The
/// backward pass rebuilds each sample's columns instead of keeping the whole batch's, which would
/// take k² times the input's memory.
package final class Conv2DLayer<Scalar: EngineScalar>: Layer {
    package let channels: Int
    package let filters: Int
    package let window: SlidingWindow
    package let weight: Parameter<Scalar>
    package let bias: Parameter<Scalar>?
    package let threads: Int
    package var computesInputGradient = true
    private var input: Batch<Scalar>?
    private let columns: Buffer<Scalar>
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    package init(
        index: Int, inputShape: [Int], outputShape: [Int], filters: Int, kernel: Int, stride: Int, padding: Int,
        bias: Bool, threads: Int
    ) {
        channels = inputShape[0]
        self.filters = filters
        window = SlidingWindow(height: inputShape[1], width: inputShape[2], size: kernel, stride: stride, padding: padding)
        precondition(outputShape == [filters, window.outputHeight, window.outputWidth], "conv2d: inconsistent shapes")
        self.threads = threads
        weight = Parameter(name: "\(index).weight", shape: [filters, channels, kernel, kernel])
        self.bias = bias ? Parameter(name: "\(index).bias", shape: [filters]) : nil
        columns = Buffer(count: channels * kernel * kernel * window.outputPlane)
    }

    package var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }

    /// The rows of a sample's columns: the values of one window over every channel.
    private var patch: Int { channels * window.size * window.size }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        let n = input.count, pixels = window.outputPlane
        output.resize(n * filters * pixels)
        for s in 0..<n {
            Scalar._im2col(input.pointer + s * input.width, channels: channels, window: window, columns: columns.pointer)
            // y_s[f×pixels] = W[f×patch] · columns[patch×pixels]
            Scalar.gemm(
                m: filters, n: pixels, k: patch, a: weight.value.pointer, lda: patch, b: columns.pointer, ldb: pixels,
                beta: 0, c: output.pointer + s * filters * pixels, ldc: pixels, threads: threads)
        }
        if let bias {
            Scalar._addPerChannel(bias.value.pointer, to: output.pointer, samples: n, channels: filters, spatial: pixels)
        }
        return Batch(count: n, shape: [filters, window.outputHeight, window.outputWidth], pointer: output.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        let n = input.count, pixels = window.outputPlane
        weight.gradient.zero()
        inputGradient.resize(input.size)
        for s in 0..<n {
            let dy = outputGradient.pointer + s * filters * pixels
            Scalar._im2col(input.pointer + s * input.width, channels: channels, window: window, columns: columns.pointer)
            // dW[f×patch] += dy_s[f×pixels] · columnsᵀ, sample after sample
            Scalar.gemm(
                transposeB: true, m: filters, n: patch, k: pixels, a: dy, lda: pixels, b: columns.pointer, ldb: pixels,
                beta: 1, c: weight.gradient.pointer, ldc: patch, threads: threads)
            guard computesInputGradient else { continue }
            // columns = Wᵀ · dy_s: each column is the gradient of one window, added back where it was read
            Scalar.gemm(
                transposeA: true, m: patch, n: pixels, k: filters, a: weight.value.pointer, lda: patch, b: dy,
                ldb: pixels, beta: 0, c: columns.pointer, ldc: pixels, threads: threads)
            Scalar._col2im(columns.pointer, channels: channels, window: window, image: inputGradient.pointer + s * input.width)
        }
        if let bias {
            Scalar._sumPerChannel(
                outputGradient.pointer, samples: n, channels: filters, spatial: pixels, into: bias.gradient.pointer)
        }
        return Batch(count: n, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// The convolution's kernels besides the matrix product.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _ConvolutionKernels {
    /// Writes the windows of a `channels`-plane image as the columns of a `[channels·k·k, windows]`
    /// matrix: row `(c·k + i)·k + j` holds, for each window, its value at `(i, j)` in plane `c`,
    /// or 0 where the window lies on the padding.
    static func _im2col(
        _ image: UnsafePointer<Self>, channels: Int, window: SlidingWindow, columns: UnsafeMutablePointer<Self>)

    /// The adjoint of ``im2col(_:channels:window:columns:)``: overwrites `image` with the sum, at
    /// each position, of the column entries read from it, adding in a fixed order.
    static func _col2im(
        _ columns: UnsafePointer<Self>, channels: Int, window: SlidingWindow, image: UnsafeMutablePointer<Self>)

    /// Adds `vector[c]` to each of the `spatial` values of channel `c` of every sample.
    static func _addPerChannel(
        _ vector: UnsafePointer<Self>, to values: UnsafeMutablePointer<Self>, samples: Int, channels: Int, spatial: Int)

    /// Writes the sum of each channel's values over samples and space to `sums`, sample after sample.
    static func _sumPerChannel(
        _ values: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, into sums: UnsafeMutablePointer<Self>)
}

extension EngineScalar {
    public static func _im2col(
        _ image: UnsafePointer<Self>, channels: Int, window: SlidingWindow, columns: UnsafeMutablePointer<Self>
    ) {
        let (k, pixels) = (window.size, window.outputPlane)
        for c in 0..<channels {
            let plane = image + c * window.inputPlane
            for ki in 0..<k {
                for kj in 0..<k {
                    var column = columns + ((c * k + ki) * k + kj) * pixels
                    // The windows whose column kj falls inside a row, [first, end): zeros either
                    // side and a plain copy between, rather than a test per value.
                    let (first, end) = window.insideColumns(kj)
                    for oy in 0..<window.outputHeight {
                        defer { column += window.outputWidth }
                        let iy = oy * window.stride - window.padding + ki
                        guard iy >= 0 && iy < window.height else {
                            for ox in 0..<window.outputWidth { column[ox] = 0 }
                            continue
                        }
                        let row = plane + iy * window.width
                        for ox in 0..<first { column[ox] = 0 }
                        var ix = first * window.stride - window.padding + kj
                        for ox in first..<end {
                            column[ox] = row[ix]
                            ix += window.stride
                        }
                        for ox in end..<window.outputWidth { column[ox] = 0 }
                    }
                }
            }
        }
    }

    public static func _col2im(
        _ columns: UnsafePointer<Self>, channels: Int, window: SlidingWindow, image: UnsafeMutablePointer<Self>
    ) {
        let (k, pixels) = (window.size, window.outputPlane)
        image.update(repeating: 0, count: channels * window.inputPlane)
        for c in 0..<channels {
            let plane = image + c * window.inputPlane
            for ki in 0..<k {
                for kj in 0..<k {
                    var column = columns + ((c * k + ki) * k + kj) * pixels
                    for oy in 0..<window.outputHeight {
                        defer { column += window.outputWidth }
                        let iy = oy * window.stride - window.padding + ki
                        guard iy >= 0 && iy < window.height else { continue }
                        let row = plane + iy * window.width
                        for ox in 0..<window.outputWidth {
                            let ix = ox * window.stride - window.padding + kj
                            if ix >= 0 && ix < window.width { row[ix] += column[ox] }
                        }
                    }
                }
            }
        }
    }

    public static func _addPerChannel(
        _ vector: UnsafePointer<Self>, to values: UnsafeMutablePointer<Self>, samples: Int, channels: Int, spatial: Int
    ) {
        for s in 0..<samples {
            for c in 0..<channels {
                let (plane, value) = (values + (s * channels + c) * spatial, vector[c])
                for i in 0..<spatial { plane[i] += value }
            }
        }
    }

    public static func _sumPerChannel(
        _ values: UnsafePointer<Self>, samples: Int, channels: Int, spatial: Int, into sums: UnsafeMutablePointer<Self>
    ) {
        sums.update(repeating: 0, count: channels)
        for s in 0..<samples {
            for c in 0..<channels {
                let plane = values + (s * channels + c) * spatial
                var sum = sums[c]
                for i in 0..<spatial { sum += plane[i] }
                sums[c] = sum
            }
        }
    }
}
