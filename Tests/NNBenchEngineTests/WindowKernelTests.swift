@testable import NNBenchEngine
import Testing

/// im2col and max pooling against their definitions, value by value, over every small geometry:
/// the kernels compute the valid range of each row once and select instead of branching, and
/// these comparisons (exact: both sides only copy or compare values) are what guards that.
@Suite("Window kernels")
struct WindowKernelTests {
    /// Every geometry with sides 1...5, windows 1...5, strides 1...3 and padding 0...2 that has
    /// at least one window.
    static let geometries: [SlidingWindow] = {
        var all: [SlidingWindow] = []
        for height in 1...5 { for width in 1...5 { for size in 1...5 { for stride in 1...3 { for padding in 0...2 {
            guard height + 2 * padding >= size, width + 2 * padding >= size else { continue }
            all.append(SlidingWindow(height: height, width: width, size: size, stride: stride, padding: padding))
        } } } } }
        return all
    }()

    @Test func im2colMatchesTheDefinition() {
        for window in Self.geometries {
            let channels = 2
            let image = (0..<channels * window.inputPlane).map { Float($0 + 1) }
            let rows = channels * window.size * window.size
            var columns = [Float](repeating: .nan, count: rows * window.outputPlane)
            image.withUnsafeBufferPointer { source in
                columns.withUnsafeMutableBufferPointer {
                    Float._im2col(source.baseAddress!, channels: channels, window: window, columns: $0.baseAddress!)
                }
            }
            var expected: [Float] = []
            for c in 0..<channels { for ki in 0..<window.size { for kj in 0..<window.size {
                for oy in 0..<window.outputHeight { for ox in 0..<window.outputWidth {
                    let iy = oy * window.stride - window.padding + ki, ix = ox * window.stride - window.padding + kj
                    let inside = iy >= 0 && iy < window.height && ix >= 0 && ix < window.width
                    expected.append(inside ? image[c * window.inputPlane + iy * window.width + ix] : 0)
                } }
            } } }
            #expect(columns == expected, "\(window)")
        }
    }

    @Test func maxPoolMatchesTheDefinition() {
        // Values from a few levels, so that ties are frequent, with NaN now and then.
        var state: UInt64 = 12345
        for window in Self.geometries where window.padding == 0 {
            let planes = 3
            let input: [Float] = (0..<planes * window.inputPlane).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let level = Int(state >> 61)
                return level == 7 ? .nan : Float(level % 3)
            }
            var output = [Float](repeating: 0, count: planes * window.outputPlane)
            var argmax = [Int32](repeating: -1, count: planes * window.outputPlane)
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { out in
                    argmax.withUnsafeMutableBufferPointer {
                        Float._maxPool(source.baseAddress!, planes: planes, window: window, output: out.baseAddress!, argmax: $0.baseAddress!)
                    }
                }
            }
            for p in 0..<planes { for oy in 0..<window.outputHeight { for ox in 0..<window.outputWidth {
                // PyTorch's CPU rule, in its own words: a value wins if it is larger or NaN (so
                // the first of equal maxima, and the last NaN, win), starting from −∞ at the corner.
                var best = oy * window.stride * window.width + ox * window.stride, largest = -Float.infinity
                for y in oy * window.stride..<oy * window.stride + window.size {
                    for x in ox * window.stride..<ox * window.stride + window.size {
                        let position = y * window.width + x, value = input[p * window.inputPlane + position]
                        if value > largest || value.isNaN { (best, largest) = (position, value) }
                    }
                }
                let index = p * window.outputPlane + oy * window.outputWidth + ox
                #expect(Int(argmax[index]) == best, "\(window) plane \(p) window (\(oy), \(ox))")
                #expect(output[index].bitPattern == largest.bitPattern, "\(window) plane \(p) window (\(oy), \(ox))")
            } } }
        }
    }
}
