import Foundation
import NNBenchIO

/// An 8-bit RGB raster written as PNG (ISO/IEC 15948): for pictures made of many cells (heatmaps,
/// decision regions, sample images), which as SVG shapes would cost tens of bytes a cell. Charts
/// embed it as a `data:` URI, so a report stays one self-contained file.
struct PNGImage: Sendable, Hashable {
    let width: Int
    let height: Int
    /// `width × height` colours, row by row from the top.
    private(set) var pixels: [Colour]

    /// An image of one colour.
    init(width: Int, height: Int, fill: Colour = .white) {
        precondition(width > 0 && height > 0, "an image needs at least one pixel")
        self.width = width
        self.height = height
        pixels = Array(repeating: fill, count: width * height)
    }

    /// The colour at column `x`, row `y` (from the top).
    subscript(x: Int, y: Int) -> Colour {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// The PNG file: signature, `IHDR` (8-bit truecolour, no interlace), one `IDAT` with every row
    /// under filter type 0 (none) compressed by zlib, `IEND`; each chunk with its CRC-32.
    var encoded: [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth, colour type RGB, deflate, adaptive filtering, no interlace
        var rows: [UInt8] = []
        rows.reserveCapacity(height * (1 + 3 * width))
        for y in 0..<height {
            rows.append(0)
            for x in 0..<width {
                let colour = pixels[y * width + x]
                rows += [colour.red, colour.green, colour.blue]
            }
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", Zlib.compress(rows)) + chunk("IEND", [])
    }

    /// The image as a `data:` URI.
    var dataURI: String {
        "data:image/png;base64," + Data(encoded).base64EncodedString()
    }

    private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(Zlib.crc32(typed))
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
