/// A colour with 8-bit red, green and blue components.
public struct Colour: Sendable, Hashable {
    /// The red component.
    public var red: UInt8
    /// The green component.
    public var green: UInt8
    /// The blue component.
    public var blue: UInt8

    /// Creates a colour from its components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8(hex >> 16 & 0xFF), green: UInt8(hex >> 8 & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#rrggbb`, as SVG and CSS write it.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for component in [red, green, blue] {
            text.append(digits[Int(component >> 4)])
            text.append(digits[Int(component & 0xF)])
        }
        return text
    }

    /// The colour a fraction `t` of the way to `other`, component by component.
    public func mixed(with other: Colour, _ t: Double) -> Colour {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * Swift.min(Swift.max(t, 0), 1)).rounded())
        }
        return Colour(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// White.
    public static let white = Colour(hex: 0xFFFFFF)
    /// The grey of grid lines.
    static let grid = Colour(hex: 0xE3E3E3)
    /// The grey of axes and secondary text.
    static let axis = Colour(hex: 0x555555)
}

/// The colours of nnbench's pictures, chosen to be told apart with any of the common colour-vision
/// deficiencies, and never the only carrier of meaning (lines also differ by dash, points by marker,
/// statuses by their word).
public enum Palette {
    /// Okabe and Ito's eight colours ("Color Universal Design", 2008), black last: for lines and
    /// classes. Train, validation and test are the first three.
    public static let categorical: [Colour] = [
        Colour(hex: 0x0072B2),  // blue
        Colour(hex: 0xE69F00),  // orange
        Colour(hex: 0x009E73),  // bluish green
        Colour(hex: 0xD55E00),  // vermillion
        Colour(hex: 0xCC79A7),  // reddish purple
        Colour(hex: 0x56B4E9),  // sky blue
        Colour(hex: 0xF0E442),  // yellow
        Colour(hex: 0x000000),  // black
    ]

    /// The `index`-th categorical colour, cycling.
    public static func category(_ index: Int) -> Colour {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// viridis (van der Walt and Smith, matplotlib's default map) at nine even stops: perceptually
    /// uniform and readable in grey, for magnitudes (densities, sample images).
    static let viridis: [Colour] = [0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725]
        .map { Colour(hex: $0) }

    /// ColorBrewer's RdBu (Brewer, 2002) at nine stops from blue to red through white: for signed
    /// values such as weights, white at zero.
    static let redBlue: [Colour] = [0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B]
        .map { Colour(hex: $0) }

    /// The sequential map at `t` in [0, 1] (clamped), linearly between its stops.
    public static func sequential(_ t: Double) -> Colour {
        interpolate(viridis, t)
    }

    /// The diverging map at `t` in [-1, 1] (clamped): blue below zero, white at zero, red above.
    public static func diverging(_ t: Double) -> Colour {
        interpolate(redBlue, (t + 1) / 2)
    }

    private static func interpolate(_ stops: [Colour], _ t: Double) -> Colour {
        let clamped = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = Swift.min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }
}
